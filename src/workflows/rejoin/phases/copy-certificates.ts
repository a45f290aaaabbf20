import { copiesCertificates } from '../../../spec/certificate-distribution';
import { hostInput } from '../../bring-up/hosts';
import { viaOf, type RejoinPhase } from '../context';
import { onHost } from '../on-host';

/**
 * 5a. Manual certificate distribution, control planes only: the shared CA material copied from the
 * healthy control plane check-cluster chose to the node, over SSH (instead of a fresh certificate
 * key and an upload). The files stream between the two SSH sessions inside one activity.
 */
export const copyCertificates: RejoinPhase = {
  describe: ({ spec, node }) =>
    node.role === 'control-plane' && copiesCertificates(spec)
      ? { id: 'copy-certificates', title: `Copy the shared certificates to ${node.name} over SSH from a healthy control plane`, hosts: [node], mode: { kind: 'serial' } }
      : undefined,
  async run(ctx, self) {
    const via = viaOf(ctx);
    const { node } = ctx;
    await onHost(ctx, self, node, () =>
      ctx.acts.copySharedCertificates.executeWithOptions({ summary: `copy the shared certificates from ${via.name} to ${node.name}` }, [{ ...hostInput(ctx, via), target: node }]),
    );
  },
};
