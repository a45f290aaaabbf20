import type { ForgetForResetInput, ForgetForResetResult, ResetActivities, ResetHostFacts, ResetNodeResult } from '../../src/activities/reset-types';
import type { HostStepInput } from '../../src/activities/types';
import type { ClusterSpec } from '../../src/spec/types';

export interface FakeResetCluster {
  activities: ResetActivities;
  /** Hosts that still have the cluster on them. */
  withCluster: Set<string>;
  /** Stacked etcd members left, by host name. */
  members: Set<string>;
  /** Host names in the order `resetNode` reset them. */
  resetOrder: string[];
}

/** The reset's activities over an in-memory cluster that every host of `spec` (but load balancers) starts in. */
export function createFakeResetCluster(spec: ClusterSpec): FakeResetCluster {
  const nodes = spec.hosts.filter((h) => h.role !== 'load-balancer');
  const withCluster = new Set(nodes.map((h) => h.name));
  const members = new Set(spec.etcd.topology === 'stacked' ? nodes.filter((h) => h.role === 'control-plane').map((h) => h.name) : []);
  const resetOrder: string[] = [];
  const facts = (name: string): ResetHostFacts => {
    const has = withCluster.has(name);
    return { clean: !has, kubeletConf: has, confs: has ? 1 : 0, manifests: 0, etcdData: has && members.has(name), kubelet: has ? 'active' : 'inactive' };
  };
  return {
    withCluster,
    members,
    resetOrder,
    activities: {
      resetHostFacts: async ({ host }: HostStepInput) => facts(host.name),
      forgetForReset: async ({ host, target }: ForgetForResetInput): Promise<ForgetForResetResult> => {
        if (!withCluster.has(host.name)) throw new Error(`${host.name} has no cluster to remove ${target.name} through`);
        const removed = members.delete(target.name) ? [`id-${target.name}`] : [];
        return { removedMemberIds: removed };
      },
      resetNode: async ({ host }: HostStepInput): Promise<ResetNodeResult> => {
        const kubeadmReset = withCluster.delete(host.name);
        members.delete(host.name);
        resetOrder.push(host.name);
        return { kubeadmReset };
      },
    },
  };
}
