import { allHandlersFinished, ApplicationFailure, condition, isCancellation, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { runPlanned } from '../plan/operation';
import { approveSignal, approveUpdate, GATE_TIMED_OUT, rejectSignal, rejectUpdate } from '../shared/messages';
import {
  abortSignal,
  abortUpdate,
  pauseUpdate,
  resumeUpdate,
  UPGRADE_FAILED,
  upgradeProgressQuery,
  type UpgradeFailure,
  type UpgradeInput,
  type UpgradeResult,
  type UpgradeStepId,
} from '../shared/operations';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import { firstControlPlane } from '../spec/hosts';
import { ApprovalGates, GateRejected, GateTimedOut } from './bring-up/approvals';
import { describeFailure } from './bring-up/failures';
import { settingsOf } from './bring-up/hosts';
import { upgradeActivities } from './upgrade/activities';
import type { UpgradeContext } from './upgrade/context';
import { cleanUpAfterCancel } from './upgrade/cancel-cleanup';
import { RolloutAborted, upgradeGateTimedOutMessage, UpgradeStepFailed } from './upgrade/failures';
import { planUpgrade } from './upgrade/plan';
import { UpgradeProgressTracker } from './upgrade/progress';
import { RolloutControls } from './upgrade/rollout-control';
import { resolveUpgradeTuning } from './upgrade/tuning';
import { assertValidUpgrade } from './upgrade/validate';

const now = (): string => new Date().toISOString();

/**
 * One kubeadm upgrade of a running cluster, started as a child of the cluster workflow (id
 * `upgradeWorkflowId(cluster, opId)`) or on its own. Asking again for the same target resumes:
 * every activity finds its effect already there.
 */
export async function upgradeCluster(input: UpgradeInput): Promise<UpgradeResult> {
  assertValidUpgrade(input);
  const { spec, to, maxUnavailable, requestedBy } = input;
  const from = spec.kubernetesVersion;
  const tuning = resolveUpgradeTuning(input.tuning);
  const progress = new UpgradeProgressTracker({ cluster: spec.name, from, to, maxUnavailable, requestedBy }, spec.hosts, now);
  const refresh = (): void => {
    upsertSearchAttributes([{ key: KubehaPhase, value: `upgrade:${progress.phase}` }]);
    setCurrentDetails(progress.markdown());
  };
  const gates = new ApprovalGates(progress, now, spec.allowSelfApproval ?? false, { gates: ['before-upgrade-apply'], operation: 'upgrade' });
  const controls = new RolloutControls(progress, now, refresh);
  const planned = planUpgrade({ spec, to, maxUnavailable });
  for (const { description: step } of planned) progress.declareStep(step.id, step.title, step.hosts.map((h) => h.name));

  setHandler(upgradeProgressQuery, () => progress.snapshot());
  setHandler(approveUpdate, (req) => gates.approve(req), { validator: (req) => gates.validate('approved', req) });
  setHandler(rejectUpdate, (req) => gates.reject(req), { validator: (req) => gates.validate('rejected', req) });
  setHandler(approveSignal, (req) => gates.tryDecide(() => gates.approve(req), () => gates.validate('approved', req)));
  setHandler(rejectSignal, (req) => gates.tryDecide(() => gates.reject(req), () => gates.validate('rejected', req)));
  setHandler(pauseUpdate, (req) => controls.pause(req), { validator: (req) => controls.validate('pause', req) });
  setHandler(resumeUpdate, (req) => controls.resume(req), { validator: (req) => controls.validate('resume', req) });
  setHandler(abortUpdate, (req) => controls.abort(req), { validator: (req) => controls.validate('abort', req) });
  setHandler(abortSignal, (req) => controls.tryAbort(req));

  const ctx: UpgradeContext = {
    spec,
    settings: settingsOf(spec),
    from,
    to,
    tuning,
    acts: upgradeActivities(tuning),
    progress,
    gates,
    controls,
    firstControlPlane: firstControlPlane(spec),
  };
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
        if (progress.steps.find((s) => s.id === step.id)?.status !== 'skipped') progress.setStepStatus(step.id, 'succeeded');
      },
      failed: (step, err) => progress.setStepStatus(step.id, err instanceof GateRejected || err instanceof RolloutAborted ? 'skipped' : 'failed'),
    });
  } catch (err) {
    if (isCancellation(err)) {
      const step = currentStep(progress);
      const cleanup = await cleanUpAfterCancel(ctx);
      progress.phase = 'failed';
      progress.failure = { step, message: `cancelled: ${cleanup}`, nodes: progress.versions() };
      refresh();
      throw err;
    }
    if (err instanceof GateRejected) {
      await end('rejected');
      const { gate, by, reason } = err.decision;
      return { outcome: 'rejected', gate, by, reason };
    }
    if (err instanceof RolloutAborted) {
      await end('aborted');
      return { outcome: 'aborted', from, to, nodes: progress.versions(), stoppedBefore: err.stoppedBefore, by: err.control.by };
    }
    if (err instanceof GateTimedOut) {
      const message = upgradeGateTimedOutMessage(err.timeout, spec.name, to);
      progress.failure = { step: 'approve-before-upgrade-apply', message, nodes: progress.versions() };
      await end('failed');
      throw ApplicationFailure.create({ type: GATE_TIMED_OUT, message, nonRetryable: true, details: [err.timeout] });
    }
    const failure: UpgradeFailure =
      err instanceof UpgradeStepFailed
        ? { step: err.step, host: err.host, message: err.detail, nodes: progress.versions() }
        : { step: currentStep(progress), message: describeFailure(err), nodes: progress.versions() };
    progress.failure = failure;
    await end('failed');
    throw ApplicationFailure.create({ type: UPGRADE_FAILED, message: `${failure.step}${failure.host ? ` on ${failure.host}` : ''}: ${failure.message}`, nonRetryable: true, details: [failure] });
  }
  await end('done');
  return { outcome: 'succeeded', from, to, nodes: progress.versions() };
}

function currentStep(progress: UpgradeProgressTracker): UpgradeStepId {
  const started = progress.steps.filter((s) => s.status !== 'pending' && s.status !== 'skipped');
  return started[started.length - 1]?.id ?? 'check-versions';
}
