import type { BringUpContext, Phase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput, hostsWithRole } from '../hosts';

/** 2a. haproxy+keepalived on the load-balancer hosts, or kube-vip on the first control plane before init. */
export const configureLoadBalancer: Phase = {
  id: 'load-balancer',
  title: 'Load balancer',
  shouldRun: (ctx) => ctx.spec.loadBalancer.type !== 'external',
  async run(ctx: BringUpContext) {
    const kubeVip = ctx.spec.loadBalancer.type === 'kube-vip';
    const hosts = kubeVip ? [ctx.firstControlPlane] : hostsWithRole(ctx.spec, 'load-balancer');
    const outcomes = await forEachHost(ctx, 'load-balancer', hosts, (host) =>
      kubeVip
        ? ctx.acts.installKubeVip.executeWithOptions({ summary: `kube-vip manifest on ${host.name}` }, [hostInput(ctx, host)])
        : ctx.acts.configureLoadBalancer.executeWithOptions({ summary: `haproxy+keepalived on ${host.name}` }, [hostInput(ctx, host)]),
    );
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) throw new StepFailed('load-balancer', failed.host.name, failed.error);
  },
};
