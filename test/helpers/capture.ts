/** What lab e2e tests keep of a CLI run: its output as text, and how long each step took. */
import { PassThrough } from 'node:stream';

/** A stream to hand a command as stdout/stderr, and everything written to it so far. */
export function text(): { stream: PassThrough; read(): string } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  return { stream, read: () => out };
}

/** `timed(step, fn)` runs fn and records its duration under `step` in `times` (printed by the test for the closing notes). */
export function stepTimes(): { times: Record<string, number>; timed<T>(what: string, fn: () => Promise<T>): Promise<T> } {
  const times: Record<string, number> = {};
  return {
    times,
    async timed(what, fn) {
      const started = Date.now();
      try {
        return await fn();
      } finally {
        times[what] = Date.now() - started;
      }
    },
  };
}
