/** kubeadm's API client: its kubeconfig (--kubeconfig, default admin.conf) must exist and its server answer. */
import type { SimExit } from '../errors';
import { readKubeconfig } from '../kubeconfig-file';
import { splitHostPort, tcpReachable } from './api';

export const ADMIN_CONF = '/etc/kubernetes/admin.conf';

export interface AdminClient {
  /** https://host:port as the kubeconfig names it. */
  server: string;
  ca?: string;
}

/**
 * `fail` wraps the message as the calling command reports it; `apiPath` is the request whose
 * dial error kubeadm would print when the server does not answer.
 */
export async function adminClient(kubeconfig: string | undefined, fail: (message: string) => SimExit, apiPath: string): Promise<AdminClient> {
  const file = kubeconfig ?? ADMIN_CONF;
  const view = readKubeconfig(file);
  if (!view) throw fail(`failed to load admin kubeconfig: open ${file}: no such file or directory`);
  const { host, port } = splitHostPort(view.server, 443);
  const err = await tcpReachable(host, port, 2_000);
  if (err) throw fail(`Get "https://${host}:${port}${apiPath}": dial tcp ${host}:${port}: ${err}`);
  return { server: `https://${host}:${port}`, ca: view.ca };
}
