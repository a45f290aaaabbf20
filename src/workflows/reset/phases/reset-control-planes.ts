import { controlPlanes } from '../../../spec/hosts';
import type { ResetPhase } from '../context';
import { resetHosts } from '../host-reset';

/** 3. The other control planes one at a time: etcd member removed through the first control plane (quorum shrinks one by one), Node deleted, kubeadm reset -f, cleanup. */
export const resetControlPlanes: ResetPhase = {
  describe({ spec }) {
    const [, ...rest] = controlPlanes(spec);
    if (rest.length === 0) return undefined;
    const etcd = spec.etcd.topology === 'stacked' ? 'remove its etcd member through the first control plane, ' : '';
    return { id: 'reset-control-planes', title: `Reset the other control planes one at a time: ${etcd}delete the Node, kubeadm reset -f, cleanup`, hosts: rest.reverse(), mode: { kind: 'serial' } };
  },
  run: (ctx, self) => resetHosts(ctx, self, 'control-plane'),
};
