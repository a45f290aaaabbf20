import { hostInput } from '../../bring-up/hosts';
import { isReplace, viaOf, type RejoinPhase } from '../context';
import { RejoinStepFailed } from '../failures';
import { onHost } from '../on-host';
import { judgeRemoval, peerUrlOf } from '../quorum';

/**
 * 3. Through the healthy control plane: for a stacked control plane its etcd member removed (quorum
 * judged again on a fresh member list first when a drain ran since check-cluster judged it: a drain
 * can take minutes), then the Node deleted.
 */
export const removeNode: RejoinPhase = {
  describe(plan) {
    const { spec, node, leaving } = plan;
    const withEtcd = node.role === 'control-plane' && spec.etcd.topology === 'stacked';
    const member = isReplace(plan) ? `etcd member (peer ${peerUrlOf(leaving.address)})` : 'etcd member';
    return { id: 'remove-node', title: withEtcd ? `Remove ${node.name}'s ${member} through a healthy member and delete its Node` : `Delete the Node ${node.name}`, hosts: [node], mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const via = viaOf(ctx);
    const node = ctx.leaving;
    await onHost(ctx, self, node, async () => {
      if (ctx.withEtcd && ctx.progress.status('drain-node') !== 'skipped') {
        const report = await ctx.acts.verifyEtcd.executeWithOptions({ summary: `etcd seen from ${via.name}` }, [hostInput(ctx, via)]);
        const judgement = judgeRemoval(report, node);
        if (!judgement.keepsQuorum) throw new RejoinStepFailed(self.id, node.name, `removing its etcd member would lose quorum: ${judgement.summary}; nothing was removed`);
      }
      const { removedMemberIds } = await ctx.acts.removeFromCluster.executeWithOptions({ summary: `remove ${node.name} through ${via.name}` }, [
        { ...hostInput(ctx, via), target: node, as: ctx.as },
      ]);
      for (const id of removedMemberIds) if (!ctx.progress.removedMemberIds.includes(id)) ctx.progress.removedMemberIds.push(id);
    });
  },
};
