import type { BringUpContext, Phase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';

/** 5. The CNI manifest, then the first control plane must become Ready. */
export const installCni: Phase = {
  id: 'cni',
  title: 'CNI and first control plane Ready',
  async run(ctx: BringUpContext) {
    const host = ctx.firstControlPlane;
    const [outcome] = await forEachHost(ctx, 'cni', [host], async (h) => {
      await ctx.acts.applyCni.executeWithOptions({ summary: `apply ${ctx.spec.networking.cni} on ${h.name}` }, [hostInput(ctx, h)]);
      return ctx.acts.waitForNodeReady.executeWithOptions({ summary: `wait for ${h.name} Ready` }, [
        { ...hostInput(ctx, h), node: h.name, timeoutMs: ctx.tuning.nodeReadyTimeoutMs },
      ]);
    });
    if (!outcome || !outcome.ok) throw new StepFailed('cni', host.name, outcome && !outcome.ok ? outcome.error : 'no result');
    if (outcome.value.version) ctx.versions.set(host.name, outcome.value.version);
  },
};
