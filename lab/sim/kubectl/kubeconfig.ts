/** Which API server kubectl talks to, and the real "connection refused" failure when it is down. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { hostPath, simEnv } from '../context';
import { SimExit } from '../errors';
import { splitHostPort, tcpReachable } from '../kubeadm/api';
import { readKubeconfig } from '../kubeconfig-file';

export function kubeconfigPath(flag: string | undefined): string | undefined {
  const candidates = [flag, simEnv('KUBECONFIG')?.split(':')[0], path.join(simEnv('HOME') ?? '/root', '.kube', 'config'), '/etc/kubernetes/admin.conf'];
  if (flag) return flag;
  return candidates.slice(1).find((c) => c && existsSync(hostPath(c)));
}

export interface ApiTarget {
  host: string;
  port: number;
  /** PEM of certificate-authority-data, when the kubeconfig has one. */
  ca?: string;
}

/** `serverFlag` is kubectl's --server, which overrides the kubeconfig's server. */
export async function assertServerReachable(flag: string | undefined, serverFlag?: string): Promise<ApiTarget> {
  const file = kubeconfigPath(flag);
  let server = 'localhost:8080';
  let ca: string | undefined;
  if (file) {
    const view = readKubeconfig(file);
    if (!view) throw new SimExit(`error: stat ${file}: no such file or directory`, 1);
    server = view.server.replace(/^https?:\/\//, '');
    ca = view.ca;
  }
  if (serverFlag) server = serverFlag.replace(/^https?:\/\//, '');
  const { host, port } = splitHostPort(server, 443);
  const err = await tcpReachable(host, port, 2_000);
  if (err === 'connect: connection refused' || (err && !file)) {
    throw new SimExit(`The connection to the server ${host}:${port} was refused - did you specify the right host or port?`, 1);
  }
  if (err) throw new SimExit(`Unable to connect to the server: dial tcp ${host}:${port}: ${err}`, 1);
  return { host, port, ca };
}
