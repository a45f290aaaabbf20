import { patched, sleep } from '@temporalio/workflow';
import { etcdProblems, expectedEtcdMembers } from '../../bring-up/etcd-checks';
import { hostInput } from '../../bring-up/hosts';
import type { EtcdReport } from '../../../activities/types';
import { isReplace, viaOf, type RejoinContext, type RejoinPhase } from '../context';
import { RejoinStepFailed } from '../failures';
import { onHost } from '../on-host';
import { externalMembersChanged, externalQuorumProblem, peerUrlOf } from '../quorum';
import { REJOIN_EXTERNAL_ETCD_PATCH } from './check-cluster';

const POLL_MS = 2_000;

/**
 * 7. The node Ready, and (stacked control plane) etcd with one started voting member per control
 * plane, the removed ids gone; (control plane on external etcd) the external cluster with quorum and
 * the members it had before.
 */
export const verifyRejoin: RejoinPhase = {
  describe({ spec, node }) {
    const cp = node.role === 'control-plane';
    const etcd =
      cp && spec.etcd.topology === 'stacked'
        ? '; etcd has a started member per control plane and no stale one'
        : cp && spec.etcd.topology === 'external'
          ? '; the external etcd has quorum and the same members'
          : '';
    return { id: 'verify-rejoin', title: `${node.name} Ready${etcd}`, hosts: [node], mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const via = viaOf(ctx);
    const { node } = ctx;
    await onHost(ctx, self, node, async () => {
      const status = await ctx.acts.waitForNodeReady.executeWithOptions({ summary: `wait for ${node.name} Ready` }, [
        { ...hostInput(ctx, via), node: node.name, timeoutMs: ctx.tuning.nodeReadyTimeoutMs },
      ]);
      ctx.version = status.version || undefined;
      if (ctx.externalEtcd && ctx.etcdBefore && patched(REJOIN_EXTERNAL_ETCD_PATCH)) {
        await verifyExternalEtcd(ctx, ctx.etcdBefore);
        return;
      }
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

/** Polls the external etcd through `via` until it has quorum and the members it had before, or the deadline. */
async function verifyExternalEtcd(ctx: RejoinContext, before: EtcdReport): Promise<void> {
  const via = viaOf(ctx);
  const deadline = Date.now() + ctx.tuning.etcdHealthyTimeoutMs;
  for (;;) {
    const report = await ctx.acts.verifyEtcd.executeWithOptions({ summary: `external etcd after rejoining ${ctx.node.name}` }, [hostInput(ctx, via)]);
    const problems = [externalQuorumProblem(report), externalMembersChanged(before, report)].filter((p): p is string => p !== undefined);
    const sample = { after: ctx.node.name, at: new Date().toISOString(), healthy: problems.length === 0, members: report.members.length };
    if (problems.length === 0) {
      ctx.progress.etcdSamples.push(sample);
      return;
    }
    if (Date.now() + POLL_MS > deadline) {
      ctx.progress.etcdSamples.push({ ...sample, problems });
      throw new RejoinStepFailed('verify-rejoin', via.name, `${ctx.node.name} is Ready, but ${problems.join('; ')}`);
    }
    await sleep(POLL_MS, { summary: 'wait for the external etcd' });
  }
}
