import { allHandlersFinished, ApplicationFailure, condition, isCancellation, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { planOperation, runPlanned } from '../plan/operation';
import { APPLY_FAILED, applyProgressQuery, type ApplyInput, type ApplyResult } from '../shared/apply';
import { approveSignal, approveUpdate, rejectSignal, rejectUpdate } from '../shared/messages';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import { firstControlPlane } from '../spec/hosts';
import { APPLY_PHASES, ApplyStepFailed } from './apply/phases';
import { applyActivities } from './apply/activities';
import type { ApplyContext } from './apply/context';
import { ApplyProgressTracker } from './apply/progress';
import { ApprovalGates, GateRejected, GateTimedOut } from './bring-up/approvals';
import { describeFailure } from './bring-up/failures';
import { settingsOf } from './bring-up/hosts';
import { resolveTuning } from './bring-up/tuning';
import { assertValidSpec } from './validate-input';
import { hostWireSchema, wireProblems } from '../spec/wire';

const now = (): string => new Date().toISOString();

function refuse(message: string): never {
  throw ApplicationFailure.nonRetryable(`the apply request is refused: ${message}`, 'InvalidSpec');
}

/**
 * `kubeha apply`: the cluster's workers grown and shrunk to what the spec lists, as a child of
 * the cluster workflow. New workers are preflighted and joined with a fresh token; removed ones
 * are drained, deleted and reset after the `before-remove-workers` gate. Asked again, every step
 * finds what is done (a joined worker is judged joined, a removed one gone).
 */
export async function applyClusterSpec(input: ApplyInput): Promise<ApplyResult> {
  assertValidSpec(input.spec);
  const { spec, requestedBy } = input;
  if (!Array.isArray(input.add) || !Array.isArray(input.remove)) refuse('add and remove must be lists');
  const add = input.add.map((name) => spec.hosts.find((h) => h.name === name && h.role === 'worker') ?? refuse(`${String(name)} is not a worker of the spec`));
  const removeProblems = input.remove.flatMap((host, i) => wireProblems(hostWireSchema, host).map((p) => `remove[${i}] ${p}`));
  if (removeProblems.length) refuse(removeProblems.join('; '));
  const remove = input.remove.map((host) => (host.role === 'worker' && !spec.hosts.some((h) => h.name === host.name) ? host : refuse(`${host.name} is not a worker the spec drops`)));
  const progress = new ApplyProgressTracker({ cluster: spec.name, add: input.add, remove: remove.map((h) => h.name), requestedBy }, now);
  const gates = new ApprovalGates(progress, now, spec.allowSelfApproval ?? false, { gates: ['before-remove-workers'], operation: 'apply' });
  const refresh = (): void => {
    upsertSearchAttributes([{ key: KubehaPhase, value: `apply:${progress.phase}` }]);
    setCurrentDetails(progress.markdown());
  };
  const planned = planOperation(APPLY_PHASES, { spec, add, remove });
  for (const { description: step } of planned) progress.declareStep(step.id, step.title, step.hosts.map((h) => h.name));

  setHandler(applyProgressQuery, () => progress.snapshot());
  setHandler(approveUpdate, (req) => gates.approve(req), { validator: (req) => gates.validate('approved', req) });
  setHandler(rejectUpdate, (req) => gates.reject(req), { validator: (req) => gates.validate('rejected', req) });
  setHandler(approveSignal, (req) => gates.tryDecide(() => gates.approve(req), () => gates.validate('approved', req)));
  setHandler(rejectSignal, (req) => gates.tryDecide(() => gates.reject(req), () => gates.validate('rejected', req)));

  const tuning = resolveTuning(input.tuning);
  const ctx: ApplyContext = { spec, settings: settingsOf(spec), add, remove, firstControlPlane: firstControlPlane(spec), tuning, acts: applyActivities(tuning), progress, gates, versions: new Map() };
  upsertSearchAttributes([{ key: KubehaCluster, value: spec.name }]);
  const end = async (phase: typeof progress.phase): Promise<void> => {
    progress.phase = phase;
    refresh();
    await condition(allHandlersFinished);
  };
  try {
    await runPlanned(planned, ctx, {
      started(step) {
        progress.setStepStatus(step.id, 'running');
        refresh();
      },
      succeeded: (step) => progress.setStepStatus(step.id, 'succeeded'),
      failed: (step, err) => progress.setStepStatus(step.id, err instanceof GateRejected ? 'skipped' : 'failed'),
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    if (err instanceof GateRejected) {
      await end('rejected');
      const { gate, by, reason } = err.decision;
      return { outcome: 'rejected', gate, by, reason };
    }
    const failure = err instanceof ApplyStepFailed ? { step: err.step, ...(err.host ? { host: err.host } : {}), message: err.detail } : { step: progress.phase === 'starting' ? ('preflight-new-workers' as const) : (progress.phase as never), message: describeFailure(err) };
    progress.failure = failure;
    await end('failed');
    const hint = err instanceof GateTimedOut ? '; ask again with kubeha apply and approve in time' : '; kubeha apply -f with the same spec resumes';
    throw ApplicationFailure.create({ type: APPLY_FAILED, message: `${failure.step}${failure.host ? ` on ${failure.host}` : ''}: ${failure.message}${hint}`, nonRetryable: true, details: [failure] });
  }
  await end('done');
  return { outcome: 'succeeded', added: add.map((h) => ({ host: h.name, ...(ctx.versions.get(h.name) ? { version: ctx.versions.get(h.name) } : {}) })), removed: remove.map((h) => h.name) };
}
