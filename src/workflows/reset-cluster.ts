import { allHandlersFinished, ApplicationFailure, condition, isCancellation, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { runPlanned } from '../plan/operation';
import { approveSignal, approveUpdate, GATE_TIMED_OUT, rejectSignal, rejectUpdate } from '../shared/messages';
import { RESET_FAILED, resetProgressQuery, type ResetFailure, type ResetInput, type ResetResult, type ResetStepId } from '../shared/operations';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import { firstControlPlane, loadBalancers } from '../spec/hosts';
import { formatDuration, formatElapsed } from '../spec/duration';
import { ApprovalGates, GateRejected, GateTimedOut } from './bring-up/approvals';
import { describeFailure } from './bring-up/failures';
import { settingsOf } from './bring-up/hosts';
import { resetActivities } from './reset/activities';
import type { ResetContext } from './reset/context';
import { ResetStepFailed } from './reset/failures';
import { describeDestruction, planReset } from './reset/plan';
import { ResetProgressTracker } from './reset/progress';
import { resolveResetTuning } from './reset/tuning';
import { assertValidReset } from './reset/validate';

const now = (): string => new Date().toISOString();

/**
 * Tears a cluster down (kubeha reset), started as a child of the cluster workflow or on its own:
 * after the `before-reset` approval, the workers, then the other control planes one at a time,
 * then the first. Asking again after a failure goes on where it stopped: a host already reset (or
 * wiped) is still removed from etcd and the Nodes while the first control plane has the cluster,
 * and only cleaned once it has not (see decideHostReset).
 */
export async function resetCluster(input: ResetInput): Promise<ResetResult> {
  assertValidReset(input);
  const { spec, requestedBy } = input;
  const tuning = resolveResetTuning(input.tuning);
  const planned = planReset({ spec, tuning });
  const progress = new ResetProgressTracker({ cluster: spec.name, requestedBy, plan: describeDestruction(spec, planned.map((p) => p.description)) }, spec.hosts, now);
  const refresh = (): void => {
    upsertSearchAttributes([{ key: KubehaPhase, value: `reset:${progress.phase}` }]);
    setCurrentDetails(progress.markdown());
  };
  const gates = new ApprovalGates(progress, now, spec.allowSelfApproval ?? false, { gates: ['before-reset'], operation: 'reset' });
  for (const { description: step } of planned) progress.declareStep(step.id, step.title, step.hosts.map((h) => h.name));

  setHandler(resetProgressQuery, () => progress.snapshot());
  setHandler(approveUpdate, (req) => gates.approve(req), { validator: (req) => gates.validate('approved', req) });
  setHandler(rejectUpdate, (req) => gates.reject(req), { validator: (req) => gates.validate('rejected', req) });
  setHandler(approveSignal, (req) => gates.tryDecide(() => gates.approve(req), () => gates.validate('approved', req)));
  setHandler(rejectSignal, (req) => gates.tryDecide(() => gates.reject(req), () => gates.validate('rejected', req)));

  const ctx: ResetContext = { spec, settings: settingsOf(spec), tuning, acts: resetActivities(tuning), progress, gates, firstControlPlane: firstControlPlane(spec) };
  upsertSearchAttributes([{ key: KubehaCluster, value: spec.name }]);
  const end = async (phase: typeof progress.phase): Promise<void> => {
    progress.phase = phase;
    refresh();
    await condition(allHandlersFinished);
  };
  try {
    await runPlanned(planned, ctx, {
      started(step) {
        progress.startStep(step.id);
        refresh();
      },
      succeeded: (step) => {
        progress.setStepStatus(step.id, 'succeeded');
        refresh();
      },
      failed: (step, err) => progress.setStepStatus(step.id, err instanceof GateRejected ? 'skipped' : 'failed'),
    });
  } catch (err) {
    if (isCancellation(err)) {
      progress.phase = 'failed';
      progress.failure = { step: currentStep(progress), message: 'cancelled: hosts already reset stay reset; ask for the reset again to finish it', reset: progress.resetHosts() };
      refresh();
      throw err;
    }
    if (err instanceof GateRejected) {
      await end('rejected');
      const { gate, by, reason } = err.decision;
      return { outcome: 'rejected', gate, by, reason };
    }
    if (err instanceof GateTimedOut) {
      const { timeout } = err;
      const message =
        `gate ${timeout.gate} timed out: nobody approved or rejected it within ${formatDuration(timeout.timeoutMs)} (waited ${formatElapsed(timeout.waitedMs)}); ` +
        `nothing was reset. Ask again with \`kubeha reset ${spec.name}\` and approve in time, or raise the gate's timeout in the spec`;
      progress.failure = { step: 'approve-before-reset', message, reset: [] };
      await end('failed');
      throw ApplicationFailure.create({ type: GATE_TIMED_OUT, message, nonRetryable: true, details: [timeout] });
    }
    const failure: ResetFailure =
      err instanceof ResetStepFailed
        ? { step: err.step, host: err.host, message: err.detail, reset: progress.resetHosts() }
        : { step: currentStep(progress), message: describeFailure(err), reset: progress.resetHosts() };
    progress.failure = failure;
    await end('failed');
    throw ApplicationFailure.create({ type: RESET_FAILED, message: `${failure.step}${failure.host ? ` on ${failure.host}` : ''}: ${failure.message}`, nonRetryable: true, details: [failure] });
  }
  await end('done');
  return { outcome: 'succeeded', hosts: progress.outcomes, leftAlone: loadBalancers(spec).map((h) => h.name) };
}

function currentStep(progress: ResetProgressTracker): ResetStepId {
  const started = progress.steps.filter((s) => s.status !== 'pending' && s.status !== 'skipped');
  return started[started.length - 1]?.id ?? 'approve-before-reset';
}
