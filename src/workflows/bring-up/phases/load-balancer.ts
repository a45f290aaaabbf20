import { firstControlPlane, loadBalancers } from '../../../spec/hosts';
import type { BringUpPhase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';

/** 2a. haproxy+keepalived on the load-balancer hosts, or kube-vip on the first control plane before init; nothing for an external LB. */
export const configureLoadBalancer: BringUpPhase = {
  describe(spec) {
    const lb = spec.loadBalancer;
    if (lb.type === 'haproxy-keepalived') {
      return { id: 'load-balancer', title: `Configure HAProxy + keepalived for VIP ${lb.vip}:${lb.port}`, hosts: loadBalancers(spec), mode: { kind: 'parallel' } };
    }
    if (lb.type === 'kube-vip') {
      return { id: 'load-balancer', title: `Install the kube-vip static pod for VIP ${lb.vip}:${lb.port}`, hosts: [firstControlPlane(spec)], mode: { kind: 'serial' } };
    }
    return undefined;
  },
  async run(ctx, self) {
    const kubeVip = ctx.spec.loadBalancer.type === 'kube-vip';
    const outcomes = await forEachHost(ctx, self, (host) =>
      kubeVip
        ? ctx.acts.installKubeVip.executeWithOptions({ summary: `kube-vip manifest on ${host.name}` }, [hostInput(ctx, host)])
        : ctx.acts.configureLoadBalancer.executeWithOptions({ summary: `haproxy+keepalived on ${host.name}` }, [hostInput(ctx, host)]),
    );
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) throw new StepFailed(self.id, failed.host.name, failed.error);
  },
};
