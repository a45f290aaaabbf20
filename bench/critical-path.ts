/**
 * The bring-up's critical path: preflight of the first control plane + load balancer + init +
 * max(CNI, slowest control-plane join, worker joins at the configured concurrency) + verify.
 * init, CNI and the joins are the lab's modelled latencies (lab/sim/time.ts LATENCY, scaled as
 * the lab scales them); preflight, load balancer and verify are not modelled by the lab, so
 * their measured durations (activity started -> completed) are used.
 */
export interface ModelledLatencies {
  initMs: number;
  controlPlaneJoinMs: number;
  workerJoinMs: number;
  cniMs: number;
}

export interface MeasuredSteps {
  preflightFirstControlPlaneMs: number;
  loadBalancerMs: number;
  verifyMs: number;
  /**
   * The control-plane joins as they ran: the first control plane's `joinNode` start to the last
   * one's end. etcd takes one learner at a time and refuses a member add until its leader has been
   * connected to every voting member for 5 real seconds, whatever the lab's time scale, so a
   * second joining control plane waits about that long after the first one's etcd started.
   */
  controlPlaneJoinsMs?: number;
}

export interface CriticalPathInput {
  modelled: ModelledLatencies;
  measured: MeasuredSteps;
  controlPlanes: number;
  workers: number;
  workerConcurrency: number;
}

export interface CriticalPath {
  totalMs: number;
  /**
   * The same sum with the control-plane branch as it ran (`controlPlaneJoinsMs`) where that is
   * longer than modelled: what the lab's real etcd allows, the floor no orchestration goes below.
   */
  asRunMs?: number;
  /** Which branch of max(...) is longest. */
  longestBranch: 'cni' | 'control-plane-joins' | 'worker-joins';
  workerWaves: number;
  parts: { preflightMs: number; loadBalancerMs: number; initMs: number; branchMs: number; verifyMs: number };
}

/** Real milliseconds of a modelled latency in a lab running `timeScale` times faster, times its latencyScale. */
export function scaledLatencies(model: ModelledLatencies, timeScale: number, latencyScale = 1): ModelledLatencies {
  const s = (ms: number) => (ms / timeScale) * latencyScale;
  return { initMs: s(model.initMs), controlPlaneJoinMs: s(model.controlPlaneJoinMs), workerJoinMs: s(model.workerJoinMs), cniMs: s(model.cniMs) };
}

export function criticalPath(input: CriticalPathInput): CriticalPath {
  const { modelled, measured } = input;
  const workerWaves = input.workers === 0 ? 0 : Math.ceil(input.workers / Math.max(1, input.workerConcurrency));
  const branches: Array<[CriticalPath['longestBranch'], number]> = [
    ['cni', modelled.cniMs],
    ['control-plane-joins', input.controlPlanes > 1 ? modelled.controlPlaneJoinMs : 0],
    ['worker-joins', workerWaves * modelled.workerJoinMs],
  ];
  const [longestBranch, branchMs] = branches.reduce((a, b) => (b[1] > a[1] ? b : a));
  const parts = {
    preflightMs: measured.preflightFirstControlPlaneMs,
    loadBalancerMs: measured.loadBalancerMs,
    initMs: modelled.initMs,
    branchMs,
    verifyMs: measured.verifyMs,
  };
  const totalMs = parts.preflightMs + parts.loadBalancerMs + parts.initMs + parts.branchMs + parts.verifyMs;
  const controlPlanesAsRun = input.controlPlanes > 1 ? measured.controlPlaneJoinsMs : undefined;
  const asRunMs = controlPlanesAsRun === undefined ? undefined : totalMs - parts.branchMs + Math.max(parts.branchMs, controlPlanesAsRun);
  return { totalMs, ...(asRunMs === undefined ? {} : { asRunMs }), longestBranch, workerWaves, parts };
}
