import { patched, sleep } from '@temporalio/workflow';
import type { ClusterReport } from '../../../activities/types';
import { controlPlanes, firstControlPlane } from '../../../spec/hosts';
import type { BringUpContext, BringUpPhase } from '../context';
import { controlPlaneProblems, notReadyNodes } from '../cluster-checks';
import { StepFailed } from '../failures';
import { forEachHost, onlyHost } from '../fan-out';
import { hostInput } from '../hosts';

const POLL_MS = 5_000;
/** Control-plane pods and /readyz judged here (the activity used to, by failing); histories from before never waited on them. */
export const CONTROL_PLANE_JUDGE_PATCH = 'verify-cluster-judges-control-plane';

/** Every node but the load balancers and the workers whose join failed (those are reported, not waited for). */
function expectedNodes(ctx: BringUpContext): string[] {
  const failedWorkers = new Set(ctx.progress.failedHosts('join-workers'));
  return ctx.spec.hosts.filter((h) => h.role !== 'load-balancer' && !failedWorkers.has(h.name)).map((h) => h.name);
}

/** What is not right yet, by the judges in cluster-checks; both empty when the cluster is verified. */
function problemsOf(ctx: BringUpContext, report: ClusterReport, judgeControlPlane: () => boolean): { notReady: string[]; others: string[] } {
  const notReady = notReadyNodes(expectedNodes(ctx), report.nodes);
  const cps = controlPlanes(ctx.spec).map((h) => h.name);
  const others = controlPlaneProblems(report, cps, ctx.spec.etcd.topology === 'stacked');
  return { notReady, others: others.length && judgeControlPlane() ? others : [] };
}

/**
 * 10. All joined nodes Ready, control-plane pods Running, /readyz through the endpoint: the
 * activity reports, cluster-checks judges, and this phase polls until `nodeReadyTimeoutMs`
 * (fresh nodes take a moment). Nothing else retries the condition.
 */
export const verifyCluster: BringUpPhase = {
  describe(spec) {
    const first = firstControlPlane(spec);
    return { id: 'verify-cluster', title: `Verify every node is Ready and the control-plane pods run (from ${first.name})`, hosts: [first], mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const host = onlyHost(self);
    const deadline = Date.now() + ctx.tuning.nodeReadyTimeoutMs;
    let judgesControlPlane: boolean | undefined;
    const judgeControlPlane = () => (judgesControlPlane ??= patched(CONTROL_PLANE_JUDGE_PATCH));
    const [outcome] = await forEachHost(ctx, self, async (h) => {
      for (let round = 1; ; round++) {
        const report = await ctx.acts.verifyCluster.executeWithOptions({ summary: `nodes, pods and /readyz from ${h.name}` }, [hostInput(ctx, h)]);
        const { notReady, others } = problemsOf(ctx, report, judgeControlPlane);
        if (notReady.length === 0 && others.length === 0) return report;
        const nodes = notReady.length ? [`node(s) not Ready: ${notReady.join(', ')}`] : [];
        if (Date.now() + POLL_MS > deadline) throw new Error([...nodes, ...others].join('; '));
        const waitingFor = [...(notReady.length ? [`node(s) to be Ready: ${notReady.join(', ')}`] : []), ...others].join('; ');
        ctx.progress.hostRetrying(self.id, h.name, `waiting for ${waitingFor} (check ${round})`);
        await sleep(POLL_MS, { summary: notReady.length ? `wait for ${notReady.join(', ')} to be Ready` : 'wait for the control plane to be ready' });
      }
    });
    if (!outcome || !outcome.ok) throw new StepFailed(self.id, host.name, outcome && !outcome.ok ? outcome.error : 'no result');
    ctx.cluster = outcome.value;
    for (const node of outcome.value.nodes) if (node.version) ctx.versions.set(node.name, node.version);
  },
};
