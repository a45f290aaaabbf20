import { isCancellation, patched } from '@temporalio/workflow';
import { controlPlanes } from '../../../spec/hosts';
import type { HostSpec } from '../../../spec/types';
import { describeFailure } from '../../bring-up/failures';
import { hostInput } from '../../bring-up/hosts';
import type { RejoinContext, RejoinPhase } from '../context';
import { RejoinStepFailed } from '../failures';
import { externalQuorumProblem, judgeRemoval, memberHealthy } from '../quorum';

/** A control plane on external etcd: the external cluster's quorum checked before and after (runs from before never asked). */
export const REJOIN_EXTERNAL_ETCD_PATCH = 'rejoin-checks-external-etcd';

/** The control planes the rejoin may act through, in the spec's order. */
const others = (ctx: { spec: RejoinContext['spec']; node: HostSpec }): HostSpec[] => controlPlanes(ctx.spec).filter((h) => h.name !== ctx.node.name);

/**
 * 1. Find a control plane other than the node that answers and runs as a node; for a stacked
 * control plane, one whose own etcd member is healthy, and judge from its member list that
 * removing the node's member keeps quorum; for a control plane on external etcd, one that sees the
 * external cluster with quorum (its API server needs it). Nothing is changed before this passes.
 */
export const checkCluster: RejoinPhase = {
  describe({ spec, node }) {
    const cp = node.role === 'control-plane';
    const title =
      cp && spec.etcd.topology === 'stacked'
        ? `Find a healthy control plane and check etcd keeps quorum without ${node.name}'s member`
        : cp && spec.etcd.topology === 'external'
          ? 'Find a healthy control plane and check the external etcd has quorum'
          : `Find a healthy control plane to act through`;
    return { id: 'check-cluster', title, hosts: others({ spec, node }), mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const tried: string[] = [];
    for (const cp of self.hosts) {
      ctx.progress.hostStarted(self.id, cp.name);
      try {
        const facts = await ctx.acts.probe.rejoinHostFacts.executeWithOptions({ summary: `is ${cp.name} up` }, [hostInput(ctx, cp)]);
        if (!facts.reachable || !facts.runsAsNode) throw new Error(facts.reachable ? 'it does not run as a node (no kubelet.conf)' : 'unreachable');
        if (ctx.withEtcd) {
          const report = await ctx.acts.probe.verifyEtcd.executeWithOptions({ summary: `etcd seen from ${cp.name}` }, [hostInput(ctx, cp)]);
          const own = report.members.find((m) => m.name === cp.name);
          if (!own || !memberHealthy(report, own)) throw new Error('its own etcd member is not healthy');
          const judgement = judgeRemoval(report, ctx.leaving);
          ctx.progress.etcdSamples.push({ after: 'check-cluster', at: new Date().toISOString(), healthy: judgement.keepsQuorum, members: report.members.length, problems: [judgement.summary] });
          if (!judgement.keepsQuorum) {
            ctx.progress.hostEnded(self.id, cp.name, 'failed', judgement.summary);
            throw new RejoinStepFailed(self.id, cp.name, `removing ${ctx.node.name}'s etcd member would lose quorum: ${judgement.summary}. Bring the other members back first; nothing was changed`);
          }
          ctx.etcdBefore = report;
        }
        if (ctx.externalEtcd && patched(REJOIN_EXTERNAL_ETCD_PATCH)) {
          const report = await ctx.acts.probe.verifyEtcd.executeWithOptions({ summary: `external etcd seen from ${cp.name}` }, [hostInput(ctx, cp)]);
          const problem = externalQuorumProblem(report);
          ctx.progress.etcdSamples.push({ after: 'check-cluster', at: new Date().toISOString(), healthy: !problem, members: report.members.length, ...(problem ? { problems: [problem] } : {}) });
          if (problem) {
            ctx.progress.hostEnded(self.id, cp.name, 'failed', problem);
            throw new RejoinStepFailed(self.id, cp.name, `${problem}, and ${ctx.node.name}'s API server needs it: bring the external etcd back first; nothing was changed`);
          }
          ctx.etcdBefore = report;
        }
        ctx.via = cp;
        ctx.progress.via = cp.name;
        ctx.progress.hostEnded(self.id, cp.name, 'succeeded');
        for (const rest of self.hosts.slice(self.hosts.indexOf(cp) + 1)) ctx.progress.hostEnded(self.id, rest.name, 'skipped', `acting through ${cp.name}`);
        return;
      } catch (err) {
        if (err instanceof RejoinStepFailed || isCancellation(err)) throw err;
        const detail = describeFailure(err);
        ctx.progress.hostEnded(self.id, cp.name, 'failed', detail);
        tried.push(`${cp.name}: ${detail}`);
      }
    }
    throw new RejoinStepFailed(self.id, undefined, `no healthy control plane other than ${ctx.node.name} to act through (${tried.join('; ')}); nothing was changed`);
  },
};
