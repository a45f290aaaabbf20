import { loadBalancers } from '../../../spec/hosts';
import { hostInput } from '../../bring-up/hosts';
import { isReplace, type RejoinPlan, type RejoinPhase, type RejoinStep } from '../context';
import { onHost } from '../on-host';

/** What the operator has to change on a load balancer kubeha does not manage. */
export function externalLoadBalancerNote({ node, leaving }: Pick<RejoinPlan, 'node' | 'leaving'>, port: number): string {
  return `the external load balancer is not kubeha's to change: replace the backend ${leaving.address}:${port} by ${node.address}:${port} (${node.name}) in it yourself`;
}

/** The API servers' port behind HAProxy or an external load balancer (apiServerBindPort). */
const BACKEND_PORT = 6443;

function describe(plan: RejoinPlan): RejoinStep | undefined {
  if (!isReplace(plan) || plan.node.role !== 'control-plane') return undefined;
  const { spec, node, leaving } = plan;
  const lb = spec.loadBalancer;
  const base = { id: 'update-load-balancer' as const, mode: { kind: 'parallel' as const } };
  if (lb.type === 'haproxy-keepalived') {
    const hosts = loadBalancers(spec);
    return { ...base, title: `HAProxy on ${hosts.map((h) => h.name).join(', ')}: backend ${node.name} at ${node.address} instead of ${leaving.address}, reloaded`, hosts };
  }
  if (lb.type === 'kube-vip') {
    return { ...base, title: `kube-vip has no backend list: the VIP follows the lease to any control plane, ${node.name}'s own kube-vip came with its join`, hosts: [] };
  }
  return { ...base, title: `External load balancer: ${externalLoadBalancerNote(plan, BACKEND_PORT)}`, hosts: [] };
}

/**
 * 8. Replace of a control plane, after its join: the load balancer sends clients to the new address
 * and no longer to the old one. HAProxy's config is rendered again from the spec on every
 * load-balancer host (left alone where it is already right); kube-vip has nothing to change; an
 * external load balancer is the operator's, which the plan and the result say.
 */
export const updateLoadBalancer: RejoinPhase = {
  describe,
  async run(ctx, self) {
    const lb = ctx.spec.loadBalancer.type;
    if (lb === 'haproxy-keepalived') {
      await Promise.all(
        self.hosts.map((host) => onHost(ctx, self, host, () => ctx.acts.updateLoadBalancerBackends.executeWithOptions({ summary: `HAProxy backends on ${host.name}` }, [hostInput(ctx, host)]))),
      );
      return;
    }
    if (lb === 'external') ctx.notes.push(externalLoadBalancerNote(ctx, BACKEND_PORT));
    ctx.progress.setStepStatus(self.id, 'skipped');
  },
};
