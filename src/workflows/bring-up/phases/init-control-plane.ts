import { copiesCertificates } from '../../../spec/certificate-distribution';
import { firstControlPlane } from '../../../spec/hosts';
import { minorOf } from '../../../spec/version';
import type { BringUpPhase } from '../context';
import { CredentialKeeper } from '../credentials';
import { StepFailed } from '../failures';
import { forEachHost, onlyHost } from '../fan-out';
import { hostInput } from '../hosts';

/** 4. `kubeadm init --upload-certs` (without it when the certificates are copied) on the first control plane; the activity is idempotent and the workflow runs it once. */
export const initControlPlane: BringUpPhase = {
  describe(spec) {
    const first = firstControlPlane(spec);
    const kubeVipSwitch =
      spec.loadBalancer.type === 'kube-vip' && minorOf(spec.kubernetesVersion) >= 29 ? '; then kube-vip moves from super-admin.conf to admin.conf' : '';
    return {
      id: 'init',
      title: `kubeadm init on ${first.name} (${copiesCertificates(spec) ? 'no --upload-certs: the certificates are copied over SSH' : 'uploads certificates'}, mints a join token${kubeVipSwitch})`,
      hosts: [first],
      mode: { kind: 'serial' },
    };
  },
  async run(ctx, self) {
    const host = onlyHost(self);
    const mintedAt = Date.now();
    const [outcome] = await forEachHost(ctx, self, (h) =>
      ctx.acts.initControlPlane.executeWithOptions({ summary: `kubeadm init on ${h.name}` }, [hostInput(ctx, h)]),
    );
    if (!outcome || !outcome.ok) throw new StepFailed(self.id, host.name, outcome && !outcome.ok ? outcome.error : 'no result');
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
