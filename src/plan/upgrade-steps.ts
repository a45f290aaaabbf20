import type { ClusterSpec } from '../spec/types';
import { planUpgrade } from '../workflows/upgrade/plan';
import type { PlanStep } from './steps';

/**
 * The steps an upgrade of this cluster would take, from the upgrade's declared phases: the same
 * descriptions the upgrade workflow declares as progress and runs (`kubeha upgrade --dry-run`).
 */
export function planUpgradeSteps(spec: ClusterSpec, to: string, maxUnavailable: number): Array<Omit<PlanStep, 'id'> & { id: string }> {
  return planUpgrade({ spec, to, maxUnavailable }).map(({ description: step }) => ({
    id: step.id,
    title: step.title,
    hosts: step.hosts.map((h) => h.name),
    mode: step.mode,
    ...(step.gate ? { gate: step.gate.name } : {}),
    ...(step.gate?.timeoutMs !== undefined ? { gateTimeoutMs: step.gate.timeoutMs } : {}),
  }));
}
