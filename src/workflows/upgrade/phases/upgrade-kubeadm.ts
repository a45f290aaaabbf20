import { firstControlPlane } from '../../../spec/hosts';
import { debVersion } from '../../../spec/version-order';
import { hostInput } from '../../bring-up/hosts';
import type { UpgradePhase } from '../context';
import { onHost } from '../rolling';

/** 2. kubeadm first: unhold, install the pinned kubeadm, hold, on the first control plane. */
export const upgradeKubeadm: UpgradePhase = {
  describe({ spec, to }) {
    const first = firstControlPlane(spec);
    return { id: 'upgrade-kubeadm', title: `Install kubeadm ${debVersion(to)} on ${first.name} (unhold, install, hold)`, hosts: [first], mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const first = ctx.firstControlPlane;
    await onHost(ctx, self, first, () => ctx.acts.installKubeadm.executeWithOptions({ summary: `kubeadm ${ctx.to} on ${first.name}` }, [{ ...hostInput(ctx, first), to: ctx.to }]));
  },
};
