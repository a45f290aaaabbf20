import { EnvironmentError } from './errors';

/**
 * gRPC UNAVAILABLE: the server is down, restarting (its frontend says "not healthy yet") or not
 * reachable. Not DEADLINE_EXCEEDED, which a running server also gives (a query no worker answers).
 */
const UNAVAILABLE = 14;

/** True when `err` (or an error it wraps) says the Temporal server did not answer at all. */
export function isServerUnreachable(err: unknown): boolean {
  let current = err;
  for (let depth = 0; depth < 10 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === UNAVAILABLE) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export interface OutagePatienceOptions {
  /** Prints one line (a follower's own output: its log, or its live view's). */
  say: (line: string) => void;
  /** What to do when it gives up, e.g. `kubeha status prod-a`. */
  hint: string;
  /** How long the server may stay silent before following stops (default 10 min). */
  patienceMs?: number;
  retryMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Reads through a Temporal server outage: the SDK's own retries cover about 20 s, a restarted
 * server can take longer. The operation itself goes on in the workers and the server's database,
 * so a follower says once that it lost contact and keeps asking, up to its patience.
 */
export class OutagePatience {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: OutagePatienceOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async read<T>(fn: () => Promise<T>): Promise<T> {
    let silentSince: number | undefined;
    for (;;) {
      try {
        const value = await fn();
        if (silentSince !== undefined) this.options.say(`Temporal answers again (silent for ${Math.round((this.now() - silentSince) / 1000)} s)`);
        return value;
      } catch (err) {
        if (!isServerUnreachable(err)) throw err;
        if (silentSince === undefined) {
          silentSince = this.now();
          const reason = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
          this.options.say(`lost contact with Temporal (${reason}); the operation goes on in the workers, still following`);
        }
        const patienceMs = this.options.patienceMs ?? 600_000;
        if (this.now() - silentSince >= patienceMs) {
          throw new EnvironmentError(`Temporal has not answered for ${Math.round(patienceMs / 1000)} s: stopped following`, `the operation may still be running: ${this.options.hint}`);
        }
        await this.sleep(this.options.retryMs ?? 2_000);
      }
    }
  }
}
