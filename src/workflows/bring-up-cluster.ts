import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { HandlerUnfinishedPolicy } from '@temporalio/common';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import {
  approveSignal,
  approveUpdate,
  BRING_UP_FAILED,
  finalProgressUpdate,
  GATE_TIMED_OUT,
  progressQuery,
  rejectSignal,
  rejectUpdate,
  type BringUpFailure,
  type BringUpInput,
  type BringUpResult,
  type StepId,
} from '../shared/messages';
import { bringUpActivities } from './bring-up/activities';
import { ApprovalGates, GateRejected, GateTimedOut } from './bring-up/approvals';
import type { BringUpContext } from './bring-up/context';
import { abandonUnfinishedJoins } from './bring-up/abandon-joins';
import { StepFailed, describeFailure } from './bring-up/failures';
import { hostsWithRole, settingsOf } from './bring-up/hosts';
import { gateStepId } from './bring-up/phases/approval-gate';
import { planBringUp } from './bring-up/plan';
import { ProgressTracker } from './bring-up/progress';
import { buildReport } from './bring-up/report';
import { revokeJoinCredentials } from './bring-up/revoke-credentials';
import { runBringUp } from './bring-up/run-bring-up';
import { resolveTuning } from './bring-up/tuning';
import { assertValidSpec } from './validate-input';

const now = (): string => new Date().toISOString();

function enterPhase(ctx: BringUpContext, phase: string): void {
  upsertSearchAttributes([{ key: KubehaPhase, value: phase }]);
  setCurrentDetails(ctx.progress.markdown());
}

const ENDED_PHASES: readonly string[] = ['done', 'failed', 'rejected', 'cancelled'];

function currentStep(progress: ProgressTracker): StepId {
  const running = progress.steps.filter((s) => s.status !== 'pending' && s.status !== 'skipped');
  return running[running.length - 1]?.id ?? 'preflight';
}

/** One HA cluster, brought up as the runbook does it; id `bringUpWorkflowId(spec.name)`. */
export async function bringUpCluster(input: BringUpInput): Promise<BringUpResult> {
  assertValidSpec(input.spec);
  const { spec } = input;
  const tuning = resolveTuning(input.tuning);
  const firstControlPlane = hostsWithRole(spec, 'control-plane')[0];
  if (!firstControlPlane) throw ApplicationFailure.nonRetryable(`cluster ${spec.name} has no control-plane host`, 'InvalidSpec');
  const progress = new ProgressTracker(spec.name, spec.hosts, input.requestedBy, now);
  const gates = new ApprovalGates(progress, now, spec.allowSelfApproval ?? false);
  // Every step of this run with its hosts, pending, before any starts: the same list `kubeha plan` prints.
  const planned = planBringUp(spec);
  for (const { description: step } of planned) progress.declareStep(step.id, step.title, step.hosts.map((h) => h.name));

  setHandler(progressQuery, () => progress.snapshot());
  // A cancelled run ends without answering (its followers query it): not worth a warning.
  setHandler(
    finalProgressUpdate,
    async () => {
      await condition(() => ENDED_PHASES.includes(progress.phase));
      return progress.snapshot();
    },
    { unfinishedPolicy: HandlerUnfinishedPolicy.ABANDON },
  );
  setHandler(approveUpdate, (req) => gates.approve(req), { validator: (req) => gates.validate('approved', req) });
  setHandler(rejectUpdate, (req) => gates.reject(req), { validator: (req) => gates.validate('rejected', req) });
  setHandler(approveSignal, (req) => gates.tryDecide(() => gates.approve(req), () => gates.validate('approved', req)));
  setHandler(rejectSignal, (req) => gates.tryDecide(() => gates.reject(req), () => gates.validate('rejected', req)));

  const ctx: BringUpContext = {
    spec,
    settings: settingsOf(spec),
    tuning,
    acts: bringUpActivities(tuning),
    progress,
    gates,
    firstControlPlane,
    versions: new Map(),
  };
  upsertSearchAttributes([{ key: KubehaCluster, value: spec.name }]);
  const startedAt = now();
  try {
    await runBringUp(planned, ctx, {
      started(step) {
        progress.startStep(step.id);
        enterPhase(ctx, step.id);
      },
      succeeded(step) {
        progress.setStepStatus(step.id, 'succeeded');
        // Side by side, the step that ended may not be the one shown: show the latest still going.
        const active = ctx.criticalPath ? progress.latestActiveStep() : undefined;
        if (active && active !== progress.phase) {
          progress.phase = active;
          enterPhase(ctx, active);
        }
      },
      failed: (step, err) => progress.setStepStatus(step.id, err instanceof GateRejected ? 'succeeded' : 'failed'),
    });
  } catch (err) {
    if (isCancellation(err)) {
      const running = progress.steps.find((s) => s.status === 'running' || s.status === 'waiting');
      if (running) progress.setStepStatus(running.id, 'failed');
      progress.pendingApprovals.splice(0);
      progress.phase = 'cancelled';
      enterPhase(ctx, 'cancelled');
      await abandonUnfinishedJoins(ctx);
      setCurrentDetails(ctx.progress.markdown());
      throw err;
    }
    await revokeJoinCredentials(ctx);
    if (err instanceof GateRejected) {
      progress.phase = 'rejected';
      enterPhase(ctx, 'rejected');
      await condition(allHandlersFinished);
      const { gate, by, reason } = err.decision;
      return { outcome: 'rejected', gate, by, reason };
    }
    if (err instanceof GateTimedOut) {
      progress.failure = { step: gateStepId(err.timeout.gate), message: err.message };
      progress.phase = 'failed';
      enterPhase(ctx, 'failed');
      await condition(allHandlersFinished);
      throw ApplicationFailure.create({ type: GATE_TIMED_OUT, message: err.message, nonRetryable: true, details: [err.timeout] });
    }
    const failure: BringUpFailure =
      err instanceof StepFailed ? { step: err.step, host: err.host, message: err.detail } : { step: currentStep(progress), message: describeFailure(err) };
    progress.failure = failure;
    progress.phase = 'failed';
    enterPhase(ctx, 'failed');
    // finalProgress answers before the failure closes the run (approve/reject are long done: no gate is left).
    await condition(allHandlersFinished);
    if (err instanceof StepFailed) {
      throw ApplicationFailure.create({ type: BRING_UP_FAILED, message: err.message, nonRetryable: true, details: [failure] });
    }
    throw err;
  }
  await revokeJoinCredentials(ctx);
  progress.phase = 'done';
  enterPhase(ctx, 'done');
  await condition(allHandlersFinished);
  return { outcome: 'succeeded', report: buildReport(ctx, startedAt, now()) };
}
