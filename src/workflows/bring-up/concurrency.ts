import { startPaced } from '../pacing';

/** Runs `fn` over `items` with at most `limit` in flight; deterministic in workflow code (no randomness; a timer only between batches of over 100 starts). */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, (_, i) => i);
  await Promise.all(startPaced(lanes, lane));
  return results;
}
