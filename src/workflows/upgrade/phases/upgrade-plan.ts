import { firstControlPlane } from '../../../spec/hosts';
import { hostInput } from '../../bring-up/hosts';
import type { UpgradePhase } from '../context';
import { onHost } from '../rolling';

/** 3. `kubeadm upgrade plan`: its output goes with the before-upgrade-apply gate. */
export const upgradePlan: UpgradePhase = {
  describe({ spec, to }) {
    const first = firstControlPlane(spec);
    return { id: 'upgrade-plan', title: `kubeadm upgrade plan ${to} on ${first.name}`, hosts: [first], mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const first = ctx.firstControlPlane;
    const { output } = await onHost(ctx, self, first, () =>
      ctx.acts.kubeadmUpgradePlan.executeWithOptions({ summary: `kubeadm upgrade plan on ${first.name}` }, [{ ...hostInput(ctx, first), to: ctx.to }]),
    );
    ctx.progress.plan = output;
  },
};
