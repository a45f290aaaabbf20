import { hostInput } from '../../bring-up/hosts';
import { isReplace, type RejoinPhase } from '../context';
import { RejoinStepFailed } from '../failures';
import { onHost } from '../on-host';

/** 4. `kubeadm reset -f` and the cleanup it leaves, on the node's host (a replace: the new one); it must answer now, since it is joined next. */
export const resetHost: RejoinPhase = {
  describe: (plan) => ({
    id: 'reset-host',
    title: `kubeadm reset -f and clean up on ${plan.node.name}${isReplace(plan) ? `'s new host ${plan.node.address}` : ''}`,
    hosts: [plan.node],
    mode: { kind: 'serial' },
  }),
  async run(ctx, self) {
    const { node } = ctx;
    await onHost(ctx, self, node, async () => {
      const { reset } = await ctx.acts.resetHost.executeWithOptions({ summary: `kubeadm reset -f on ${node.name}` }, [hostInput(ctx, node)]);
      if (!reset) {
        throw new RejoinStepFailed(self.id, node.name, `the host does not answer SSH: it was removed from the cluster but cannot be joined again; bring it up (or replace it) and ask for the rejoin again`);
      }
    });
  },
};
