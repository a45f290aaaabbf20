import { firstControlPlane } from '../../../spec/hosts';
import type { UpgradePhase } from '../context';
import { upgradeHost } from '../host-upgrade';
import { rollHosts } from '../rolling';

/** 5. `kubeadm upgrade apply` on the first control plane (detached), then its drain, kubelet, uncordon and an etcd check. */
export const upgradeApply: UpgradePhase = {
  describe({ spec, to }) {
    const first = firstControlPlane(spec);
    return { id: 'upgrade-apply', title: `kubeadm upgrade apply ${to} on ${first.name}, then drain, kubelet ${to}, uncordon, check etcd`, hosts: [first], mode: { kind: 'serial' } };
  },
  run: (ctx, self) => rollHosts(ctx, self, (host) => upgradeHost(ctx, host, 'apply')),
};
