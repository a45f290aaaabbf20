import { workers } from '../../../spec/hosts';
import type { UpgradePhase } from '../context';
import { upgradeHost } from '../host-upgrade';
import { rollHosts } from '../rolling';

/** 7. The workers, `maxUnavailable` at a time: kubeadm, `kubeadm upgrade node`, drain, kubelet, uncordon. */
export const upgradeWorkers: UpgradePhase = {
  describe({ spec, to, maxUnavailable }) {
    const hosts = workers(spec);
    if (hosts.length === 0) return undefined;
    return { id: 'upgrade-workers', title: `Upgrade the workers to ${to}, ${maxUnavailable} at a time`, hosts, mode: { kind: 'parallel', limit: maxUnavailable } };
  },
  run: (ctx, self) => rollHosts(ctx, self, (host) => upgradeHost(ctx, host, 'node')),
};
