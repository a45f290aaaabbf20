import { sleep } from '@temporalio/workflow';
import type { ClusterReport } from '../../../activities/types';
import type { BringUpContext, Phase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';

const POLL_MS = 5_000;

function notReadyNodes(ctx: BringUpContext, report: ClusterReport): string[] {
  const failedWorkers = new Set(ctx.progress.step('join-workers').hosts.filter((h) => h.status === 'failed').map((h) => h.host));
  const expected = ctx.spec.hosts.filter((h) => h.role !== 'load-balancer' && !failedWorkers.has(h.name)).map((h) => h.name);
  return expected.filter((name) => !report.nodes.some((n) => n.name === name && n.ready));
}

/** 10. All joined nodes Ready (polled until `nodeReadyTimeoutMs`: fresh nodes take a moment), control-plane pods Running, /readyz through the endpoint. */
export const verifyCluster: Phase = {
  id: 'verify-cluster',
  title: 'Verify the cluster',
  async run(ctx: BringUpContext) {
    const host = ctx.firstControlPlane;
    const deadline = Date.now() + ctx.tuning.nodeReadyTimeoutMs;
    let notReady: string[] = [];
    const [outcome] = await forEachHost(ctx, 'verify-cluster', [host], async (h) => {
      for (let round = 1; ; round++) {
        const report = await ctx.acts.verifyCluster.executeWithOptions({ summary: `nodes, pods and /readyz from ${h.name}` }, [hostInput(ctx, h)]);
        notReady = notReadyNodes(ctx, report);
        if (notReady.length === 0) return report;
        if (Date.now() + POLL_MS > deadline) throw new Error(`node(s) not Ready: ${notReady.join(', ')}`);
        ctx.progress.hostRetrying('verify-cluster', h.name, `waiting for node(s) to be Ready: ${notReady.join(', ')} (check ${round})`);
        await sleep(POLL_MS, { summary: `wait for ${notReady.join(', ')} to be Ready` });
      }
    });
    if (!outcome || !outcome.ok) throw new StepFailed('verify-cluster', host.name, outcome && !outcome.ok ? outcome.error : 'no result');
    ctx.cluster = outcome.value;
    for (const node of outcome.value.nodes) if (node.version) ctx.versions.set(node.name, node.version);
  },
};
