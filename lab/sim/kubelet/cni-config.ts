/**
 * What a CNI's node agent (its DaemonSet Pod's install-cni step) leaves on every node once the CNI is
 * applied: its configuration in /etc/cni/net.d, which `kubeadm reset` does not remove.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hostPath } from '../context';

export const CNI_CONF_DIR = '/etc/cni/net.d';

/** The files each CNI's installer writes (calico also its own kubeconfig). */
const CNI_FILES: Record<string, string[]> = {
  calico: ['10-calico.conflist', 'calico-kubeconfig'],
  flannel: ['10-flannel.conflist'],
  cilium: ['05-cilium.conflist'],
};

/** Writes the applied CNI's files on this node, once. */
export function installCniConfig(cni: string): void {
  const dir = hostPath(CNI_CONF_DIR);
  const files = CNI_FILES[cni] ?? [`10-${cni}.conflist`];
  if (files.every((f) => existsSync(path.join(dir, f)))) return;
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const content = f.endsWith('.conflist') ? `${JSON.stringify({ name: `k8s-pod-network`, cniVersion: '0.3.1', plugins: [{ type: cni }] }, null, 2)}\n` : '# written by the lab\n';
    writeFileSync(path.join(dir, f), content, { mode: 0o600 });
  }
}
