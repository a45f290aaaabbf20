import { firstControlPlane } from '../../../spec/hosts';
import type { BringUpPhase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';

/** 2b. Before init, "connection refused" through the endpoint is expected; a timeout means the LB cannot reach the control planes. */
export const probeLoadBalancer: BringUpPhase = {
  describe: (spec) => ({
    id: 'probe-load-balancer',
    title: `Connect to ${spec.controlPlaneEndpoint} (expect "connection refused" until an API server is up, not a timeout)`,
    hosts: [firstControlPlane(spec)],
    mode: { kind: 'serial' },
  }),
  async run(ctx, self) {
    const [outcome] = await forEachHost(ctx, self, (h) =>
      ctx.acts.probeLoadBalancer.executeWithOptions({ summary: `connect to ${ctx.spec.controlPlaneEndpoint} from ${h.name}` }, [hostInput(ctx, h)]),
    );
    if (outcome && !outcome.ok) {
      throw new StepFailed(
        self.id,
        outcome.host.name,
        `no answer from the control-plane endpoint ${ctx.spec.controlPlaneEndpoint} after ${ctx.tuning.probeMaxAttempts} attempts: ` +
          `the load balancer cannot reach the control planes (check its backends, firewall and the VIP) — ${outcome.error}`,
      );
    }
  },
};
