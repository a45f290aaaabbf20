import { allHandlersFinished, ApplicationFailure, condition, isCancellation, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { runPlanned } from '../plan/operation';
import { REJOIN_FAILED, rejoinProgressQuery, type RejoinFailure, type RejoinInput, type RejoinResult, type RejoinStepId } from '../shared/operations';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import type { HostSpec } from '../spec/types';
import { describeFailure } from './bring-up/failures';
import { settingsOf } from './bring-up/hosts';
import { rejoinActivities } from './rejoin/activities';
import { roleOf, type RejoinContext } from './rejoin/context';
import { RejoinStepFailed } from './rejoin/failures';
import { planRejoin } from './rejoin/plan';
import { RejoinProgressTracker } from './rejoin/progress';
import { withNodeAddress } from './rejoin/replacement';
import { resolveRejoinTuning } from './rejoin/tuning';
import { assertValidRejoin } from './rejoin/validate';

const now = (): string => new Date().toISOString();

/**
 * Rejoins one node at its recorded address (its host wiped, reinstalled or broken), started as a
 * child of the cluster workflow (id `operationWorkflowId('rejoin', cluster, opId)`): the runbook's
 * drain, delete the Node, remove the etcd member through a healthy member (never losing quorum),
 * reset the host, join it again with fresh credentials, verify. With `address` (kubeha replace) the
 * node joins from a new host at that address instead: nothing is run on the recorded host, and the
 * kubeadm ClusterConfiguration's certSANs and the HAProxy backends move to the new address.
 */
export async function rejoinNode(input: RejoinInput): Promise<RejoinResult> {
  assertValidRejoin(input);
  const { requestedBy } = input;
  const leaving = input.spec.hosts.find((h) => h.name === input.node) as HostSpec;
  const spec = input.address === undefined ? input.spec : withNodeAddress(input.spec, input.node, input.address);
  const node = spec.hosts.find((h) => h.name === input.node) as HostSpec;
  const as = roleOf(node);
  const tuning = resolveRejoinTuning(input.tuning);
  const progress = new RejoinProgressTracker({ cluster: spec.name, node: node.name, role: as, requestedBy }, now);
  if (input.address !== undefined) progress.replacing = { from: leaving.address, to: node.address };
  const refresh = (): void => {
    upsertSearchAttributes([{ key: KubehaPhase, value: `rejoin:${progress.phase}` }]);
    setCurrentDetails(progress.markdown());
  };
  const planned = planRejoin({ spec, node, leaving });
  for (const { description: step } of planned) progress.declareStep(step.id, step.title, step.hosts.map((h) => h.name));
  setHandler(rejoinProgressQuery, () => progress.snapshot());

  const ctx: RejoinContext = {
    spec,
    settings: settingsOf(spec),
    node,
    leaving,
    as,
    withEtcd: as === 'control-plane' && spec.etcd.topology === 'stacked',
    externalEtcd: as === 'control-plane' && spec.etcd.topology === 'external',
    tuning,
    acts: rejoinActivities(tuning),
    progress,
    notes: [],
  };
  upsertSearchAttributes([{ key: KubehaCluster, value: spec.name }]);
  try {
    await runPlanned(planned, ctx, {
      started(step) {
        progress.startStep(step.id);
        refresh();
      },
      succeeded: (step) => {
        if (progress.status(step.id) !== 'skipped') progress.setStepStatus(step.id, 'succeeded');
        refresh();
      },
      failed: (step) => progress.setStepStatus(step.id, 'failed'),
    });
  } catch (err) {
    if (isCancellation(err)) {
      progress.phase = 'failed';
      progress.failure = { step: currentStep(progress), message: 'cancelled' };
      refresh();
      throw err;
    }
    const failure: RejoinFailure =
      err instanceof RejoinStepFailed ? { step: err.step, ...(err.host ? { host: err.host } : {}), message: err.detail } : { step: currentStep(progress), message: describeFailure(err) };
    progress.failure = failure;
    progress.phase = 'failed';
    refresh();
    await condition(allHandlersFinished);
    throw ApplicationFailure.create({ type: REJOIN_FAILED, message: `${failure.step}${failure.host ? ` on ${failure.host}` : ''}: ${failure.message}`, nonRetryable: true, details: [failure] });
  }
  progress.phase = 'done';
  refresh();
  await condition(allHandlersFinished);
  return {
    outcome: 'succeeded',
    node: node.name,
    role: as,
    ...(ctx.version ? { version: ctx.version } : {}),
    removedMemberIds: progress.removedMemberIds,
    ...(progress.etcdMemberId ? { etcdMemberId: progress.etcdMemberId } : {}),
    ...(input.address !== undefined ? { address: node.address, notes: ctx.notes } : {}),
  };
}

function currentStep(progress: RejoinProgressTracker): RejoinStepId {
  const started = progress.steps.filter((s) => s.status !== 'pending' && s.status !== 'skipped');
  return started[started.length - 1]?.id ?? 'check-cluster';
}
