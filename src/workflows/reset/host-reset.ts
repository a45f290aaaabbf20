import { isCancellation } from '@temporalio/workflow';
import { concurrencyOf } from '../../plan/operation';
import type { ResetHostOutcome } from '../../shared/operations';
import type { HostSpec } from '../../spec/types';
import { mapWithConcurrency } from '../bring-up/concurrency';
import { describeFailure } from '../bring-up/failures';
import { hostInput } from '../bring-up/hosts';
import type { ResetContext, ResetStep } from './context';
import { decideHostReset } from './decide';
import { ResetStepFailed } from './failures';

/**
 * One node's teardown, as `decideHostReset` judges it from what is left on the host and on the
 * first control plane: a worker drained (best effort: the API may not answer, and the node goes
 * anyway), its etcd member (stacked control plane) and Node removed through the first control
 * plane, then the host reset. The first control plane itself is reset last, with nothing to remove
 * it through.
 */
export async function resetOne(ctx: ResetContext, host: HostSpec, role: 'control-plane' | 'worker'): Promise<void> {
  const { acts, progress } = ctx;
  const first = ctx.firstControlPlane;
  const isFirst = host.name === first.name;
  const outcome: ResetHostOutcome = { host: host.name, role, kubeadmReset: false, removedMemberIds: [] };
  const facts = await acts.resetHostFacts(hostInput(ctx, host));
  const firstFacts = isFirst ? undefined : await acts.resetHostFacts(hostInput(ctx, first));
  const decision = decideHostReset({ isFirst, role, host: facts, ...(firstFacts ? { first: firstFacts } : {}) });
  if (decision.drain) {
    progress.setStage(host.name, 'draining');
    try {
      await acts.drainNode({ ...hostInput(ctx, first), node: host.name, timeoutMs: ctx.tuning.drainTimeoutMs });
      outcome.drain = 'drained';
    } catch (err) {
      if (isCancellation(err)) throw err;
      outcome.drain = `failed: ${describeFailure(err)}`;
    }
  } else if (role === 'worker') {
    outcome.drain = 'skipped';
  }
  if (decision.forget) {
    progress.setStage(host.name, 'removing');
    const { removedMemberIds } = await acts.forgetForReset({ ...hostInput(ctx, first), target: host, as: role });
    outcome.removedMemberIds = removedMemberIds;
  }
  progress.setStage(host.name, 'resetting');
  const { kubeadmReset } = await acts.resetNode(hostInput(ctx, host));
  outcome.kubeadmReset = kubeadmReset;
  progress.outcomes.push(outcome);
  progress.setStage(host.name, 'reset');
}

/** Takes the step's hosts as its mode allows; hosts in flight finish, no new one starts after a failure, which is thrown. */
export async function resetHosts(ctx: ResetContext, self: ResetStep, role: 'control-plane' | 'worker'): Promise<void> {
  let failed: ResetStepFailed | undefined;
  await mapWithConcurrency(self.hosts, concurrencyOf(self), async (host) => {
    if (failed) return;
    ctx.progress.hostStarted(self.id, host.name);
    try {
      await resetOne(ctx, host, role);
      ctx.progress.hostEnded(self.id, host.name, 'succeeded');
    } catch (err) {
      if (isCancellation(err)) throw err;
      const detail = describeFailure(err);
      ctx.progress.hostEnded(self.id, host.name, 'failed', detail);
      ctx.progress.setStage(host.name, 'failed', detail);
      failed ??= new ResetStepFailed(self.id, host.name, detail);
    }
  });
  if (failed) throw failed;
}
