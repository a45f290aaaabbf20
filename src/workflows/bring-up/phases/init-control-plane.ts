import type { BringUpContext, Phase } from '../context';
import { CredentialKeeper } from '../credentials';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';

/** 4. `kubeadm init --upload-certs` on the first control plane; the activity is idempotent and the workflow runs it once. */
export const initControlPlane: Phase = {
  id: 'init',
  title: 'Initialize the first control plane',
  async run(ctx: BringUpContext) {
    const host = ctx.firstControlPlane;
    const mintedAt = Date.now();
    const [outcome] = await forEachHost(ctx, 'init', [host], (h) =>
      ctx.acts.initControlPlane.executeWithOptions({ summary: `kubeadm init on ${h.name}` }, [hostInput(ctx, h)]),
    );
    if (!outcome || !outcome.ok) throw new StepFailed('init', host.name, outcome && !outcome.ok ? outcome.error : 'no result');
    ctx.credentials = new CredentialKeeper(
      outcome.value,
      mintedAt,
      { certificateKey: ctx.spec.certificateKey, joinToken: ctx.spec.joinToken },
      ctx.acts,
      hostInput(ctx, host),
      ctx.progress,
    );
  },
};
