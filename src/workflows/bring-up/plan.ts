import { patched } from '@temporalio/workflow';
import { planOperation } from '../../plan/operation';
import { workers } from '../../spec/hosts';
import type { ClusterSpec } from '../../spec/types';
import type { PlannedBringUpPhase } from './context';
import { approvalGate } from './phases/approval-gate';
import { approveBeforeWorkers, BRING_UP_PHASES } from './phases';

/** Bring-ups started before it waited at before-workers even without workers. */
export const SKIP_GATE_WITHOUT_WORKERS_PATCH = 'skip-gate-without-workers';

/**
 * The phases this workflow runs for `spec`: the declared bring-up (what `plan` prints), except
 * when replaying a bring-up started before the before-workers gate was left out of runs without
 * workers. Call once, at the start: the patch decision must not change during the run.
 * `isPatched` is Temporal's `patched` in the workflow; tests pass their own.
 */
export function planBringUp(spec: ClusterSpec, isPatched: (patchId: string) => boolean = patched): PlannedBringUpPhase[] {
  const gateWithoutWorkers = spec.approvals.includes('before-workers') && workers(spec).length === 0;
  const phases =
    gateWithoutWorkers && !isPatched(SKIP_GATE_WITHOUT_WORKERS_PATCH)
      ? BRING_UP_PHASES.map((p) => (p === approveBeforeWorkers ? approvalGate('before-workers') : p))
      : BRING_UP_PHASES;
  return planOperation(phases, spec);
}
