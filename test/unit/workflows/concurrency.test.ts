import { mapWithConcurrency } from '../../../src/workflows/bring-up/concurrency';

it('never runs more than the limit at once, keeps result order, and uses the whole limit', async () => {
  let running = 0;
  let peak = 0;
  const results = await mapWithConcurrency([5, 1, 3, 2, 4, 1, 2], 3, async (ms, i) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, ms * 5));
    running--;
    return i * 10;
  });
  expect(results).toEqual([0, 10, 20, 30, 40, 50, 60]);
  expect(peak).toBe(3);
});

it('handles an empty list and a limit above the item count', async () => {
  expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  expect(await mapWithConcurrency(['a'], 50, async (x) => x.toUpperCase())).toEqual(['A']);
});
