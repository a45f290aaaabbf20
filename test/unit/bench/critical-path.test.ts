import { criticalPath, scaledLatencies } from '../../../bench/critical-path';

const modelled = { initMs: 6_000, controlPlaneJoinMs: 4_000, workerJoinMs: 1_500, cniMs: 1_000 };
const measured = { preflightFirstControlPlaneMs: 300, loadBalancerMs: 50, verifyMs: 200 };

it('adds preflight, load balancer, init, the longest of CNI / control-plane join / worker waves, and verify', () => {
  const path = criticalPath({ modelled, measured, controlPlanes: 3, workers: 50, workerConcurrency: 10 });
  expect(path.workerWaves).toBe(5);
  expect(path.longestBranch).toBe('worker-joins');
  expect(path.parts.branchMs).toBe(7_500);
  expect(path.totalMs).toBe(300 + 50 + 6_000 + 7_500 + 200);
});

it('rounds a partial wave of workers up', () => {
  expect(criticalPath({ modelled, measured, controlPlanes: 3, workers: 21, workerConcurrency: 10 }).workerWaves).toBe(3);
});

it('takes the control-plane join when the workers fit in fewer waves than it lasts', () => {
  const path = criticalPath({ modelled, measured, controlPlanes: 3, workers: 3, workerConcurrency: 10 });
  expect(path.longestBranch).toBe('control-plane-joins');
  expect(path.totalMs).toBe(300 + 50 + 6_000 + 4_000 + 200);
});

it('has no control-plane join with one control plane and no worker wave without workers: CNI remains', () => {
  const path = criticalPath({ modelled, measured, controlPlanes: 1, workers: 0, workerConcurrency: 10 });
  expect(path.workerWaves).toBe(0);
  expect(path.longestBranch).toBe('cni');
  expect(path.parts.branchMs).toBe(1_000);
});

it('scales modelled latencies as the lab does: divided by the time scale, times the latency scale', () => {
  expect(scaledLatencies({ initMs: 60_000, controlPlaneJoinMs: 40_000, workerJoinMs: 15_000, cniMs: 10_000 }, 10, 2)).toEqual({
    initMs: 12_000,
    controlPlaneJoinMs: 8_000,
    workerJoinMs: 3_000,
    cniMs: 2_000,
  });
});

it('also sums the control-plane joins as they ran, where they took longer than modelled (etcd admits one member change at a time)', () => {
  const slow = criticalPath({ modelled, measured: { ...measured, controlPlaneJoinsMs: 9_000 }, controlPlanes: 3, workers: 50, workerConcurrency: 10 });
  expect(slow.totalMs).toBe(300 + 50 + 6_000 + 7_500 + 200);
  expect(slow.asRunMs).toBe(300 + 50 + 6_000 + 9_000 + 200);
  const fast = criticalPath({ modelled, measured: { ...measured, controlPlaneJoinsMs: 4_100 }, controlPlanes: 3, workers: 50, workerConcurrency: 10 });
  expect(fast.asRunMs).toBe(fast.totalMs);
  expect(criticalPath({ modelled, measured, controlPlanes: 3, workers: 50, workerConcurrency: 10 }).asRunMs).toBeUndefined();
});
