import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { BootstrapToken, CertificateKey } from '../../../activities/types';
import { copiesCertificates } from '../../../spec/certificate-distribution';
import { describeFailure } from '../../bring-up/failures';
import { hostInput } from '../../bring-up/hosts';
import { isReplace, viaOf, type RejoinContext, type RejoinPhase } from '../context';
import { RejoinStepFailed } from '../failures';
import { onHost } from '../on-host';

/** The token id: its public half, enough to delete it. */
const tokenIdOf = (token: BootstrapToken): string => token.token.split('.')[0] ?? '';

/** Deletes this rejoin's token and (control plane) the kubeadm-certs Secret, whatever happened; immune to a cancel in progress. */
async function revoke(ctx: RejoinContext, token: BootstrapToken | undefined, certificates: boolean): Promise<void> {
  const via = viaOf(ctx);
  const tokenIds = token ? [tokenIdOf(token)] : [];
  if (!tokenIds.length && !certificates) return;
  await CancellationScope.nonCancellable(() =>
    ctx.acts.revokeJoinCredentials.executeWithOptions({ summary: `revoke the rejoin's join credentials on ${via.name}` }, [
      { ...hostInput(ctx, via), tokenIds, certificateSecret: certificates, files: [] },
    ]),
  );
}

/**
 * 6. Fresh credentials minted on the healthy control plane (a bootstrap token; for a control plane
 * the certificates uploaded under a new certificate key), `kubeadm join` of the node (kube-vip's
 * manifest after a control-plane join), and the credentials revoked on every way out.
 */
export const joinNode: RejoinPhase = {
  describe: (plan) => {
    const keyed = plan.node.role === 'control-plane' && !copiesCertificates(plan.spec);
    return {
      id: 'join-node',
      title: `Fresh join token${keyed ? ' and certificate key' : ''}, kubeadm join ${plan.node.name}${isReplace(plan) ? ` from ${plan.node.address}` : ''} as ${plan.node.role}, revoke ${keyed ? 'them' : 'it'}`,
      hosts: [plan.node],
      mode: { kind: 'serial' },
    };
  },
  async run(ctx, self) {
    const via = viaOf(ctx);
    const { node, as } = ctx;
    const cp = as === 'control-plane';
    // With manual distribution the certificates were copied from `via` (copy-certificates): nothing to upload.
    const upload = cp && !copiesCertificates(ctx.spec);
    let token: BootstrapToken | undefined;
    let uploaded = false;
    await onHost(ctx, self, node, async () => {
      try {
        token = await ctx.acts.createJoinToken.executeWithOptions({ summary: `new join token on ${via.name}` }, [hostInput(ctx, via)]);
        let certificateKey: CertificateKey | undefined;
        if (upload) {
          uploaded = true;
          certificateKey = await ctx.acts.uploadCerts.executeWithOptions({ summary: `upload certificates on ${via.name} (new key)` }, [hostInput(ctx, via)]);
        }
        await ctx.acts.joinNode.executeWithOptions({ summary: `kubeadm join ${node.name} as ${as}` }, [
          { ...hostInput(ctx, node), as, token, ...(certificateKey ? { certificateKey } : {}), ...(cp && !upload ? { certificatesFrom: via } : {}) },
        ]);
        if (cp && ctx.spec.loadBalancer.type === 'kube-vip') {
          await ctx.acts.installKubeVip.executeWithOptions({ summary: `kube-vip manifest on ${node.name}` }, [hostInput(ctx, node)]);
        }
      } catch (err) {
        // The join's own failure is what the operator needs; a failed revocation is added to it.
        try {
          await revoke(ctx, token, uploaded);
        } catch (revokeErr) {
          if (!isCancellation(err)) throw new RejoinStepFailed(self.id, node.name, `${describeFailure(err)}; revoking the join credentials failed too: ${describeFailure(revokeErr)}`);
        }
        throw err;
      }
      try {
        await revoke(ctx, token, uploaded);
      } catch (err) {
        throw new RejoinStepFailed(self.id, via.name, `${node.name} joined, but revoking the join credentials failed (delete the token and the kubeadm-certs Secret by hand): ${describeFailure(err)}`);
      }
    });
  },
};
