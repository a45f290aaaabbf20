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
  return { totalMs, longestBranch, workerWaves, parts };
}
