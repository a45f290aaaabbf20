import { patched } from '@temporalio/workflow';
import { planOperation } from '../../plan/operation';
import { copiesCertificates } from '../../spec/certificate-distribution';
import { workers } from '../../spec/hosts';
import type { ClusterSpec } from '../../spec/types';
import type { PlannedBringUpPhase } from './context';
import { approvalGate } from './phases/approval-gate';
import { distributeCertificates } from './phases/distribute-certificates';
import { approveBeforeWorkers, BRING_UP_PHASES } from './phases';

/** Bring-ups started before it waited at before-workers even without workers. */
export const SKIP_GATE_WITHOUT_WORKERS_PATCH = 'skip-gate-without-workers';

/**
 * The distribute-certificates phase (certificateDistribution: manual). Releases before it refused
 * the field, so no recorded run reaches this patch; its marker dates the runs that copy certificates.
 */
export const MANUAL_CERTIFICATES_PATCH = 'manual-certificate-distribution';

/**
 * The phases this workflow runs for `spec`: the declared bring-up (what `plan` prints), except
 * when replaying a bring-up started before the before-workers gate was left out of runs without
 * workers. Call once, at the start: the patch decision must not change during the run.
 * `isPatched` is Temporal's `patched` in the workflow; tests pass their own.
 */
export function planBringUp(spec: ClusterSpec, isPatched: (patchId: string) => boolean = patched): PlannedBringUpPhase[] {
  const gateWithoutWorkers = spec.approvals.includes('before-workers') && workers(spec).length === 0;
  const gated =
    gateWithoutWorkers && !isPatched(SKIP_GATE_WITHOUT_WORKERS_PATCH)
      ? BRING_UP_PHASES.map((p) => (p === approveBeforeWorkers ? approvalGate('before-workers') : p))
      : BRING_UP_PHASES;
  const phases = copiesCertificates(spec) && !isPatched(MANUAL_CERTIFICATES_PATCH) ? gated.filter((p) => p !== distributeCertificates) : gated;
  return planOperation(phases, spec);
}
