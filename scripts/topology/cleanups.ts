/**
 * What a run started, stopped in reverse order whatever happened; a failing stop is reported,
 * not thrown. Once tearing down has begun (an interrupt can start it while a step is still
 * running), whatever is added later is stopped at once.
 */
interface Entry {
  what: string;
  stop: () => Promise<void>;
}

export class Cleanups {
  private readonly stack: Entry[] = [];
  private readonly late: Array<Promise<void>> = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly say: (line: string) => void) {}

  add(what: string, stop: () => Promise<void>): void {
    if (this.closing) this.late.push(this.stopOne({ what, stop }));
    else this.stack.push({ what, stop });
  }

  /** Stops everything added so far (and anything added while it runs); calling it again waits for the same work. */
  async runAll(): Promise<void> {
    this.closing ??= (async () => {
      for (const entry of this.stack.splice(0).reverse()) await this.stopOne(entry);
    })();
    await this.closing;
    await Promise.all(this.late);
  }

  private async stopOne({ what, stop }: Entry): Promise<void> {
    const started = Date.now();
    try {
      await stop();
      this.say(`stopped ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      this.say(`cleanup: stopping ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
