import { isCancellation } from '@temporalio/workflow';
import type { RejoinHostFacts } from '../../../activities/rejoin-types';
import { describeFailure } from '../../bring-up/failures';
import { hostInput } from '../../bring-up/hosts';
import { isReplace, type RejoinContext, type RejoinPhase } from '../context';
import { RejoinStepFailed } from '../failures';
import { onHost } from '../on-host';
import { peerUrlOf } from '../quorum';

/** What the old host says, or why it said nothing: it is only looked at, never acted on. */
async function oldHostFacts(ctx: RejoinContext): Promise<RejoinHostFacts | string> {
  try {
    return await ctx.acts.probe.rejoinHostFacts.executeWithOptions({ summary: `is the old host ${ctx.leaving.address} gone` }, [hostInput(ctx, ctx.leaving)]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    return describeFailure(err);
  }
}

/**
 * 2. Replace only. The old host must not still run as the node (two kubelets would claim its name);
 * when it does not answer, nothing is run on it, and that is said. The new host must answer SSH
 * with a known host key (the bring-up's host-key rules) and must not already run as a node, unless
 * it is this cluster's etcd member already (an earlier replace got that far). Nothing is changed here.
 */
export const checkReplacement: RejoinPhase = {
  describe: (plan) =>
    isReplace(plan)
      ? {
          id: 'check-replacement',
          title: `Check the new host ${plan.node.address} answers SSH with a known host key and is not a node yet; the old host ${plan.leaving.address} is only looked at, nothing is run on it`,
          hosts: [plan.node],
          mode: { kind: 'serial' },
        }
      : undefined,
  async run(ctx, self) {
    const { node, leaving } = ctx;
    const old = await oldHostFacts(ctx);
    ctx.progress.reachable = typeof old !== 'string' && old.reachable;
    if (typeof old !== 'string' && old.runsAsNode) {
      ctx.progress.hostEnded(self.id, node.name, 'failed', `the old host ${leaving.address} still runs as a node`);
      throw new RejoinStepFailed(
        self.id,
        node.name,
        `the old host ${leaving.address} still answers and runs as a node (it has /etc/kubernetes/kubelet.conf): replacing it would leave two hosts claiming ${node.name}. ` +
          `Power it off or run kubeadm reset -f on it, or rejoin it at its address with kubeha rejoin; nothing was changed`,
      );
    }
    const facts = await onHost(ctx, self, node, () => ctx.acts.rejoinHostFacts.executeWithOptions({ summary: `is the new host ${node.address} up` }, [hostInput(ctx, node)]));
    if (!facts.reachable) {
      ctx.progress.hostEnded(self.id, node.name, 'failed', `${node.address} does not answer SSH`);
      throw new RejoinStepFailed(self.id, node.name, `the new host ${node.address} does not answer SSH: start it (sshd on port ${node.ssh.port}) and ask again; nothing was changed`);
    }
    const alreadyMember = ctx.etcdBefore?.members.some((m) => m.peerURLs.includes(peerUrlOf(node.address))) ?? false;
    if (facts.runsAsNode && !alreadyMember) {
      ctx.progress.hostEnded(self.id, node.name, 'failed', `${node.address} already runs as a node`);
      throw new RejoinStepFailed(
        self.id,
        node.name,
        `the new host ${node.address} already runs as a node (it has /etc/kubernetes/kubelet.conf), and kubeha does not reset a host it cannot tell is spare. ` +
          `If it is, run kubeadm reset -f on it and ask again; nothing was changed`,
      );
    }
    const gone = typeof old === 'string' ? `did not answer (${old})` : old.reachable ? 'answers but no longer runs as a node' : 'does not answer';
    ctx.notes.push(`the old host ${leaving.address} ${gone}: nothing was run on it`);
  },
};
