import { controlPlanes } from '../../../spec/hosts';
import type { UpgradePhase } from '../context';
import { upgradeHost } from '../host-upgrade';
import { rollHosts } from '../rolling';

/** 6. The other control planes one at a time: kubeadm, `kubeadm upgrade node`, drain, kubelet, uncordon, etcd checked after each. */
export const upgradeControlPlanes: UpgradePhase = {
  describe({ spec, to }) {
    const [, ...rest] = controlPlanes(spec);
    if (rest.length === 0) return undefined;
    return { id: 'upgrade-control-planes', title: `Upgrade the other control planes to ${to} one at a time (kubeadm upgrade node), etcd checked after each`, hosts: rest, mode: { kind: 'serial' } };
  },
  run: (ctx, self) => rollHosts(ctx, self, (host) => upgradeHost(ctx, host, 'node')),
};
