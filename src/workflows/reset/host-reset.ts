import { isCancellation } from '@temporalio/workflow';
import { concurrencyOf } from '../../plan/operation';
import type { ResetHostOutcome } from '../../shared/operations';
import type { HostSpec } from '../../spec/types';
import { mapWithConcurrency } from '../bring-up/concurrency';
import { describeFailure } from '../bring-up/failures';
import { hostInput } from '../bring-up/hosts';
import type { ResetContext, ResetStep } from './context';
import { ResetStepFailed } from './failures';

/**
 * One node's teardown. A host found already reset (a reset asked again after a failure) is only
 * cleaned: it was removed from the cluster before it was reset. Otherwise a worker is drained
 * (best effort: the API may not answer, and the node goes anyway), then its etcd member (stacked
 * control plane) and Node are removed through the first control plane, then it is reset. The
 * first control plane itself is reset last, with nothing to remove it through.
 */
export async function resetOne(ctx: ResetContext, host: HostSpec, role: 'control-plane' | 'worker'): Promise<void> {
  const { acts, progress } = ctx;
  const first = ctx.firstControlPlane;
  const outcome: ResetHostOutcome = { host: host.name, role, kubeadmReset: false, removedMemberIds: [] };
  const facts = await acts.resetHostFacts(hostInput(ctx, host));
  if (!facts.clean && host.name !== first.name) {
    if (role === 'worker') {
      progress.setStage(host.name, 'draining');
      try {
        await acts.drainNode({ ...hostInput(ctx, first), node: host.name, timeoutMs: ctx.tuning.drainTimeoutMs });
        outcome.drain = 'drained';
      } catch (err) {
        if (isCancellation(err)) throw err;
        outcome.drain = `failed: ${describeFailure(err)}`;
      }
    }
    progress.setStage(host.name, 'removing');
    const { removedMemberIds } = await acts.forgetForReset({ ...hostInput(ctx, first), target: host, as: role });
    outcome.removedMemberIds = removedMemberIds;
  } else if (role === 'worker') {
    outcome.drain = 'skipped';
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
