import { describeFailure } from './failures';
import type { BringUpContext } from './context';

/**
 * Deletes the bring-up's join credentials on every way out (success, failure, rejection, cancel).
 * A failure to do so is reported in progress, not thrown: it must not hide why the bring-up ended.
 */
export async function revokeJoinCredentials(ctx: BringUpContext): Promise<void> {
  try {
    await ctx.credentials?.revokeAll(ctx.spec.joinToken.keep ?? false);
  } catch (err) {
    ctx.progress.renewalFailures.push({ credential: 'joinToken', at: new Date().toISOString(), error: `revoking the join credentials failed: ${describeFailure(err)}` });
  }
}

/** The kubeadm-certs Secret once no control plane joins any more; the end of the bring-up tries again if this fails. */
export async function revokeUploadedCertificates(ctx: BringUpContext): Promise<void> {
  try {
    await ctx.credentials?.revokeCertificates();
  } catch (err) {
    ctx.progress.renewalFailures.push({ credential: 'certificateKey', at: new Date().toISOString(), error: `deleting the kubeadm-certs Secret failed: ${describeFailure(err)}` });
  }
}
