import { firstControlPlane } from '../../../spec/hosts';
import type { ResetPhase } from '../context';
import { resetHosts } from '../host-reset';

/** 4. Last, the first control plane (the last etcd member): kubeadm reset -f deletes its etcd data, and with it the cluster. */
export const resetFirstControlPlane: ResetPhase = {
  describe({ spec }) {
    return { id: 'reset-first-control-plane', title: 'Reset the first control plane last: kubeadm reset -f (its etcd data goes with it), cleanup', hosts: [firstControlPlane(spec)], mode: { kind: 'serial' } };
  },
  run: (ctx, self) => resetHosts(ctx, self, 'control-plane'),
};
