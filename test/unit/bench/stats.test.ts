import { percentile, spread } from '../../../bench/stats';

it('takes the nearest rank, whatever the input order', () => {
  const values = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];
  expect(percentile(values, 50)).toBe(50);
  expect(percentile(values, 95)).toBe(100);
  expect(percentile(values, 10)).toBe(10);
  expect(percentile(values, 0)).toBe(10);
  expect(percentile(values, 100)).toBe(100);
});

it('has no percentile of nothing', () => {
  expect(percentile([], 50)).toBeUndefined();
  expect(spread([])).toEqual({ count: 0, p50: undefined, p95: undefined, max: undefined });
});

it('spreads a single value to every percentile', () => {
  expect(spread([7])).toEqual({ count: 1, p50: 7, p95: 7, max: 7 });
});
