/** `kubeadm init phase upload-certs --upload-certs [--certificate-key K]`. */
import type { SimContext } from '../context';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { flagBool } from '../flags';
import { readStore } from '../store';
import { uploadCerts } from './upload-certs';
import { out } from '../output';

export async function uploadCertsPhase(p: ParsedArgs, ctx: SimContext): Promise<number> {
  if (!flagBool(p, 'upload-certs')) {
    out('[upload-certs] Skipping phase. Please see --upload-certs\n');
    return 0;
  }
  if (!readStore(ctx.identity.labDir).cluster) {
    throw new SimExit('error execution phase upload-certs: failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory\nTo see the stack trace of this error execute with --v=5 or higher', 1);
  }
  const up = await uploadCerts(ctx, p.flags.get('certificate-key'));
  out(up.output);
  return 0;
}
