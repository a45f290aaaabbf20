import { DEFAULT_SIZES, DEFAULT_TIME_SCALE, parseSize, timeScaleFor } from '../../../bench/sizes';
import { LATENCY } from '../../../lab/sim/time';

/** etcd's HealthInterval: a member add waits until the leader has been connected to every voting member this long (real time). */
const ETCD_HEALTH_INTERVAL_MS = 5_000;

it('runs each size at its own time scale unless --time-scale sets one for all', () => {
  expect(timeScaleFor('3+50', undefined)).toBe(5);
  expect(timeScaleFor('5+500', undefined)).toBe(DEFAULT_TIME_SCALE);
  expect(timeScaleFor('4+20', undefined)).toBe(DEFAULT_TIME_SCALE);
  expect(timeScaleFor('3+50', 10)).toBe(10);
});

it('keeps the worker waves the longest branch wherever they are on real hosts', () => {
  // On real hosts a 3+50 bring-up is bounded by its 5 waves of worker joins (75 s) and its
  // control-plane branch is one join plus etcd's wait (about 45 s). At the default time scale the
  // lab must keep that order, though etcd's 5 s do not shrink with it.
  const waves = (workers: number) => Math.ceil(workers / 10);
  for (const { size, timeScale } of DEFAULT_SIZES) {
    const { controlPlanes, workers } = parseSize(size);
    const realWaves = waves(workers) * LATENCY.workerJoin;
    const realControlPlanes = LATENCY.controlPlaneJoin + (controlPlanes - 2) * ETCD_HEALTH_INTERVAL_MS;
    if (realWaves <= realControlPlanes) continue;
    const labControlPlanes = LATENCY.controlPlaneJoin / timeScale + (controlPlanes - 2) * ETCD_HEALTH_INTERVAL_MS;
    expect({ size, wavesLonger: (waves(workers) * LATENCY.workerJoin) / timeScale > labControlPlanes }).toEqual({ size, wavesLonger: true });
  }
});

it('refuses a size without a control plane or in another shape', () => {
  expect(parseSize(' 5+500 ')).toEqual({ controlPlanes: 5, workers: 500 });
  expect(() => parseSize('0+3')).toThrow(/at least one control plane/);
  expect(() => parseSize('3x50')).toThrow(/CONTROL_PLANES\+WORKERS/);
});
