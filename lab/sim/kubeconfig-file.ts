/** Reading a kubeconfig as kubectl, kubeadm and the kubelet do: the first cluster and user. */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { hostPath } from './context';

export interface KubeconfigView {
  server: string;
  /** PEM of certificate-authority-data, when present. */
  ca?: string;
  /** A bootstrap token (bootstrap-kubelet.conf). */
  token?: string;
  /** An embedded client certificate (base64 PEM), as kubeadm writes it. */
  clientCertificateData?: string;
  clientKeyData?: string;
  /** A client certificate file (the kubelet's rotatable kubelet-client-current.pem). */
  clientCertificate?: string;
}

type Raw = {
  clusters?: Array<{ cluster?: { server?: string; 'certificate-authority-data'?: string } }>;
  users?: Array<{ user?: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string; 'client-certificate'?: string } }>;
};

export function readKubeconfig(file: string): KubeconfigView | undefined {
  const full = hostPath(file);
  if (!existsSync(full)) return undefined;
  const raw = (parse(readFileSync(full, 'utf8')) ?? {}) as Raw;
  const cluster = raw.clusters?.[0]?.cluster;
  const user = raw.users?.[0]?.user;
  const caData = cluster?.['certificate-authority-data'];
  return {
    server: cluster?.server ?? 'http://localhost:8080',
    ca: caData ? Buffer.from(caData, 'base64').toString('utf8') : undefined,
    token: user?.token,
    clientCertificateData: user?.['client-certificate-data'],
    clientKeyData: user?.['client-key-data'],
    clientCertificate: user?.['client-certificate'],
  };
}
