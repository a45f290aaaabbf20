import { sleep } from '@temporalio/workflow';
import { etcdProblems, expectedEtcdMembers } from '../../bring-up/etcd-checks';
import { hostInput } from '../../bring-up/hosts';
import { isReplace, viaOf, type RejoinPhase } from '../context';
import { RejoinStepFailed } from '../failures';
import { onHost } from '../on-host';
import { peerUrlOf } from '../quorum';

const POLL_MS = 2_000;

/** 7. The node Ready, and (stacked control plane) etcd with one started voting member per control plane, the removed ids gone. */
export const verifyRejoin: RejoinPhase = {
  describe({ spec, node }) {
    const withEtcd = node.role === 'control-plane' && spec.etcd.topology === 'stacked';
    return { id: 'verify-rejoin', title: `${node.name} Ready${withEtcd ? '; etcd has a started member per control plane and no stale one' : ''}`, hosts: [node], mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const via = viaOf(ctx);
    const { node } = ctx;
    await onHost(ctx, self, node, async () => {
      const status = await ctx.acts.waitForNodeReady.executeWithOptions({ summary: `wait for ${node.name} Ready` }, [
        { ...hostInput(ctx, via), node: node.name, timeoutMs: ctx.tuning.nodeReadyTimeoutMs },
      ]);
      ctx.version = status.version || undefined;
      if (!ctx.withEtcd) return;
      const expected = expectedEtcdMembers(ctx.spec);
      const deadline = Date.now() + ctx.tuning.etcdHealthyTimeoutMs;
      for (;;) {
        const report = await ctx.acts.verifyEtcd.executeWithOptions({ summary: `etcd after rejoining ${node.name}` }, [hostInput(ctx, via)]);
        const stale = report.members.filter((m) => ctx.progress.removedMemberIds.includes(m.id));
        const oldPeer = peerUrlOf(ctx.leaving.address);
        const atOldAddress = isReplace(ctx) ? report.members.filter((m) => m.peerURLs.includes(oldPeer)) : [];
        const problems = [
          ...etcdProblems(report, expected),
          ...stale.map((m) => `the removed member ${m.id} is still listed`),
          ...atOldAddress.map((m) => `member ${m.id} still has the old peer URL ${oldPeer}`),
        ];
        const member = report.members.find((m) => m.name === node.name);
        if (problems.length === 0 && member) {
          ctx.progress.etcdMemberId = member.id;
          ctx.progress.etcdSamples.push({ after: node.name, at: new Date().toISOString(), healthy: true, members: report.members.length });
          return;
        }
        if (Date.now() + POLL_MS > deadline) {
          ctx.progress.etcdSamples.push({ after: node.name, at: new Date().toISOString(), healthy: false, members: report.members.length, problems });
          throw new RejoinStepFailed(self.id, via.name, `etcd is not right after rejoining ${node.name}: ${problems.join('; ')}`);
        }
        await sleep(POLL_MS, { summary: 'wait for etcd to settle' });
      }
    });
  },
};
