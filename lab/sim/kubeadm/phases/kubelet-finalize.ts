/**
 * kubelet-finalize: once the kubelet keeps its client certificate in the rotatable
 * kubelet-client-current.pem, kubelet.conf points there instead of embedding the certificate.
 * Without that file kubeadm skips the phase silently; run twice, it rewrites the same file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { hostPath } from '../../context';
import { out } from '../../output';

export const KUBELET_CLIENT_PEM = '/var/lib/kubelet/pki/kubelet-client-current.pem';

type Kubeconfig = { users?: Array<{ name?: string; user?: Record<string, unknown> }> };

export function kubeletFinalize(): void {
  const conf = hostPath('/etc/kubernetes/kubelet.conf');
  if (!existsSync(hostPath(KUBELET_CLIENT_PEM)) || !existsSync(conf)) return;
  out('[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client certificate and key\n');
  const config = parse(readFileSync(conf, 'utf8')) as Kubeconfig;
  for (const u of config.users ?? []) u.user = { 'client-certificate': KUBELET_CLIENT_PEM, 'client-key': KUBELET_CLIENT_PEM };
  writeFileSync(conf, stringify(config), { mode: 0o600 });
}
