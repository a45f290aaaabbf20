import { hostInput } from '../../bring-up/hosts';
import { isReplace, viaOf, type RejoinPhase } from '../context';
import { onHost, skipped } from '../on-host';

/**
 * 2. Drain the node when its host answers and still runs as a node; a wiped or dead host has nothing
 * to evict gracefully. Not part of a replace: check-replacement refuses an old host that still runs as a node.
 */
export const drainNode: RejoinPhase = {
  describe: (plan) =>
    isReplace(plan) ? undefined : { id: 'drain-node', title: `Drain ${plan.node.name} if its host answers and still runs as a node`, hosts: [plan.node], mode: { kind: 'serial' } },
  async run(ctx, self) {
    const { node } = ctx;
    const facts = await onHost(ctx, self, node, () => ctx.acts.rejoinHostFacts.executeWithOptions({ summary: `is ${node.name} up` }, [hostInput(ctx, node)]));
    ctx.facts = facts;
    ctx.progress.reachable = facts.reachable;
    if (!facts.reachable || !facts.runsAsNode) {
      skipped(ctx, self, node, facts.reachable ? 'the host does not run as a node (no kubelet.conf): nothing to drain' : 'the host is unreachable: not drained');
      return;
    }
    const via = viaOf(ctx);
    await onHost(ctx, self, node, () =>
      ctx.acts.drainNode.executeWithOptions({ summary: `drain ${node.name}` }, [{ ...hostInput(ctx, via), node: node.name, timeoutMs: ctx.tuning.nodeReadyTimeoutMs }]),
    );
  },
};
