import { followIntervalMs } from '../../../src/client/follow';

it('reads a bring-up every second up to 100 hosts, less often beyond, never less than every 5 s', () => {
  expect([0, 6, 53, 100].map(followIntervalMs)).toEqual([1_000, 1_000, 1_000, 1_000]);
  expect([205, 505, 5_000].map(followIntervalMs)).toEqual([2_050, 5_000, 5_000]);
});
