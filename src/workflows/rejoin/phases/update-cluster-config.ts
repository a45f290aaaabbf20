import { hostInput } from '../../bring-up/hosts';
import { isReplace, viaOf, type RejoinPhase } from '../context';
import { onHost } from '../on-host';

/**
 * 4. Replace of a control plane: kubeadm's ClusterConfiguration (the kubeadm-config ConfigMap) lists
 * every control plane's address in apiServer.certSANs and etcd.local.serverCertSANs/peerCertSANs.
 * It is uploaded again from the spec with the new address before the join, so the join's certificates
 * and every later one (renewals, upgrades) carry it and no longer the old one.
 */
export const updateClusterConfig: RejoinPhase = {
  describe: (plan) =>
    isReplace(plan) && plan.node.role === 'control-plane'
      ? {
          id: 'update-cluster-config',
          title: `Upload kubeadm's ClusterConfiguration with ${plan.node.address} in place of ${plan.leaving.address} (certSANs) before the join`,
          hosts: [plan.node],
          mode: { kind: 'serial' },
        }
      : undefined,
  async run(ctx, self) {
    const via = viaOf(ctx);
    await onHost(ctx, self, ctx.node, () => ctx.acts.uploadClusterConfiguration.executeWithOptions({ summary: `kubeadm-config with ${ctx.node.address} through ${via.name}` }, [hostInput(ctx, via)]));
  },
};
