import type { BringUpContext, Phase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';

/** 2b. Before init, "connection refused" through the endpoint is expected; a timeout means the LB cannot reach the control planes. */
export const probeLoadBalancer: Phase = {
  id: 'probe-load-balancer',
  title: 'Load balancer test connection',
  async run(ctx: BringUpContext) {
    const host = ctx.firstControlPlane;
    const [outcome] = await forEachHost(ctx, 'probe-load-balancer', [host], (h) =>
      ctx.acts.probeLoadBalancer.executeWithOptions({ summary: `connect to ${ctx.spec.controlPlaneEndpoint} from ${h.name}` }, [hostInput(ctx, h)]),
    );
    if (outcome && !outcome.ok) {
      throw new StepFailed(
        'probe-load-balancer',
        host.name,
        `no answer from the control-plane endpoint ${ctx.spec.controlPlaneEndpoint} after ${ctx.tuning.probeMaxAttempts} attempts: ` +
          `the load balancer cannot reach the control planes (check its backends, firewall and the VIP) — ${outcome.error}`,
      );
    }
  },
};
