import { CancellationScope, patched } from '@temporalio/workflow';
import type { StepId } from '../../shared/messages';
import { mapWithConcurrency } from './concurrency';
import type { BringUpContext } from './context';
import { describeFailure } from './failures';
import { hostInput } from './hosts';
import { revokeJoinCredentials } from './revoke-credentials';

const JOIN_STEPS: { step: StepId; as: 'control-plane' | 'worker' }[] = [
  { step: 'join-control-planes', as: 'control-plane' },
  { step: 'join-workers', as: 'worker' },
];

/**
 * After a cancel: every join that started but did not finish is undone (kubeadm stopped, etcd
 * member and Node removed, host reset), control planes one at a time so etcd never loses quorum
 * to concurrent member removals; then the join credentials are revoked. Runs in a
 * non-cancellable scope, so the cancel cannot cut the cleanup short. Older runs did not; patched.
 */
export async function abandonUnfinishedJoins(ctx: BringUpContext): Promise<void> {
  if (!patched('abandon-joins-on-cancel')) return;
  await CancellationScope.nonCancellable(async () => {
    for (const { step, as } of JOIN_STEPS) {
      const started = ctx.progress.steps.find((s) => s.id === step)?.hosts.filter((h) => h.status === 'running').map((h) => h.host) ?? [];
      const hosts = ctx.spec.hosts.filter((h) => started.includes(h.name));
      await mapWithConcurrency(hosts, as === 'control-plane' ? 1 : hosts.length, async (host) => {
        const entry = ctx.progress.host(step, host.name);
        try {
          const { reset } = await ctx.acts.abandonJoin.executeWithOptions({ summary: `undo the cancelled join of ${host.name}` }, [{ ...hostInput(ctx, host), as }]);
          entry.lastError = reset ? 'cancelled: join undone (kubeadm stopped, etcd member and Node removed, host reset)' : 'cancelled: removed from etcd and the Node list; the host was unreachable and is not reset';
        } catch (err) {
          entry.lastError = `cancelled, and undoing the join failed: ${describeFailure(err)}`;
        }
        entry.status = 'failed';
        entry.endedAt = new Date().toISOString();
      });
    }
    await revokeJoinCredentials(ctx);
  });
}
