/** What a run started, stopped in reverse order whatever happened; a failing stop is reported, not thrown. */
export class Cleanups {
  private readonly stack: Array<{ what: string; stop: () => Promise<void> }> = [];

  constructor(private readonly say: (line: string) => void) {}

  add(what: string, stop: () => Promise<void>): void {
    this.stack.push({ what, stop });
  }

  async runAll(): Promise<void> {
    for (const { what, stop } of this.stack.splice(0).reverse()) {
      const started = Date.now();
      try {
        await stop();
        this.say(`stopped ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        this.say(`cleanup: stopping ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
