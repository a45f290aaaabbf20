import type { BringUpContext, Phase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';

/** 10. All joined nodes Ready, control-plane pods Running, /readyz through the endpoint. */
export const verifyCluster: Phase = {
  id: 'verify-cluster',
  title: 'Verify the cluster',
  async run(ctx: BringUpContext) {
    const host = ctx.firstControlPlane;
    const [outcome] = await forEachHost(ctx, 'verify-cluster', [host], (h) =>
      ctx.acts.verifyCluster.executeWithOptions({ summary: `nodes, pods and /readyz from ${h.name}` }, [hostInput(ctx, h)]),
    );
    if (!outcome || !outcome.ok) throw new StepFailed('verify-cluster', host.name, outcome && !outcome.ok ? outcome.error : 'no result');
    ctx.cluster = outcome.value;
    const failedWorkers = new Set(ctx.progress.step('join-workers').hosts.filter((h) => h.status === 'failed').map((h) => h.host));
    const expected = ctx.spec.hosts.filter((h) => h.role !== 'load-balancer' && !failedWorkers.has(h.name)).map((h) => h.name);
    const notReady = expected.filter((name) => !outcome.value.nodes.some((n) => n.name === name && n.ready));
    if (notReady.length > 0) throw new StepFailed('verify-cluster', host.name, `node(s) not Ready: ${notReady.join(', ')}`);
    for (const node of outcome.value.nodes) if (node.version) ctx.versions.set(node.name, node.version);
  },
};
