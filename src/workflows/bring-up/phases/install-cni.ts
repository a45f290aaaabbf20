import { firstControlPlane } from '../../../spec/hosts';
import type { BringUpPhase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost, onlyHost } from '../fan-out';
import { hostInput } from '../hosts';

/** 5. The CNI manifest, then the first control plane must become Ready. */
export const installCni: BringUpPhase = {
  describe(spec) {
    const first = firstControlPlane(spec);
    return { id: 'cni', title: `Apply the ${spec.networking.cni} CNI and wait for ${first.name} to be Ready`, hosts: [first], mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const host = onlyHost(self);
    const [outcome] = await forEachHost(ctx, self, async (h) => {
      await ctx.acts.applyCni.executeWithOptions({ summary: `apply ${ctx.spec.networking.cni} on ${h.name}` }, [hostInput(ctx, h)]);
      return ctx.acts.waitForNodeReady.executeWithOptions({ summary: `wait for ${h.name} Ready` }, [
        { ...hostInput(ctx, h), node: h.name, timeoutMs: ctx.tuning.nodeReadyTimeoutMs },
      ]);
    });
    if (!outcome || !outcome.ok) throw new StepFailed(self.id, host.name, outcome && !outcome.ok ? outcome.error : 'no result');
    if (outcome.value.version) ctx.versions.set(host.name, outcome.value.version);
  },
};
