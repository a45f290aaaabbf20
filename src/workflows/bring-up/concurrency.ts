/** Runs `fn` over `items` with at most `limit` in flight; deterministic in workflow code (no timers, no randomness). */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Runs the work handed to it with at most `limit` running, the rest in the order they came; a
 * finished one hands its place straight to the next. Deterministic in workflow code.
 */
export function limiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const done = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return <T>(work: () => Promise<T>): Promise<T> => {
    const go = (): Promise<T> => Promise.resolve().then(work).finally(done);
    if (running < limit) {
      running++;
      return go();
    }
    return new Promise<void>((resolve) => waiting.push(resolve)).then(go);
  };
}
