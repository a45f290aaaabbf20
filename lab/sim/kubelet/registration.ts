/**
 * The kubelet's own part of joining, which goes on whether or not kubeadm is still running: the
 * TLS bootstrap (bootstrap-kubelet.conf -> a client certificate signed by the cluster CA in the
 * rotatable kubelet-client-current.pem, and kubelet.conf pointing at it), then registering its
 * Node once the API server in kubelet.conf answers.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { hostPath } from '../context';
import type { SimContext } from '../context';
import { httpsGet, splitHostPort } from '../kubeadm/api';
import { registerNode } from '../kubeadm/node';
import { liveToken } from '../kubeadm/tokens';
import { readKubeconfig } from '../kubeconfig-file';
import type { KubeconfigView } from '../kubeconfig-file';
import { createLeaf } from '../pki';
import { readStore, updateStore } from '../store';

export const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';
export const BOOTSTRAP_KUBELET_CONF = '/etc/kubernetes/bootstrap-kubelet.conf';
const CERT_DIR = '/var/lib/kubelet/pki';
const CURRENT_PEM = `${CERT_DIR}/kubelet-client-current.pem`;

/** Node name and IP from kubeadm-flags.env (--hostname-override, --node-ip), else the host's. */
export function kubeletIdentity(ctx: SimContext): { name: string; address: string } {
  const file = hostPath('/var/lib/kubelet/kubeadm-flags.env');
  const flags = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return {
    name: /--hostname-override=(\S+?)["\s]/.exec(flags)?.[1] ?? ctx.identity.name,
    address: /--node-ip=(\S+?)["\s]/.exec(flags)?.[1] ?? ctx.identity.address,
  };
}

async function answers(view: KubeconfigView): Promise<boolean> {
  const { host, port } = splitHostPort(view.server, 443);
  try {
    return (await httpsGet(host, port, '/healthz', view.ca, 1_000)).status === 200;
  } catch {
    return false;
  }
}

/** kubelet-client-<time>.pem (certificate and key) and the kubelet-client-current.pem link to it. */
function storeClientPem(pem: string): void {
  const dir = hostPath(CERT_DIR);
  mkdirSync(dir, { recursive: true });
  const name = `kubelet-client-${new Date().toISOString().replace(/\.\d+Z$/, '').replace(/[T:]/g, '-')}.pem`;
  writeFileSync(path.join(dir, name), pem, { mode: 0o600 });
  rmSync(hostPath(CURRENT_PEM), { force: true });
  symlinkSync(name, hostPath(CURRENT_PEM));
}

async function signClientPem(caCert: string, caKey: string, nodeName: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-csr-'));
  try {
    writeFileSync(path.join(dir, 'ca.crt'), caCert);
    writeFileSync(path.join(dir, 'ca.key'), caKey, { mode: 0o600 });
    await createLeaf(dir, { name: 'client', ca: 'ca', cn: `system:node:${nodeName}`, org: 'system:nodes', usage: 'client' });
    return readFileSync(path.join(dir, 'client.crt'), 'utf8') + readFileSync(path.join(dir, 'client.key'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The TLS bootstrap; false while the API, a valid token, the bootstrap RBAC or a CSR signer is missing. */
async function tlsBootstrap(ctx: SimContext, nodeName: string): Promise<boolean> {
  const boot = readKubeconfig(BOOTSTRAP_KUBELET_CONF);
  if (!boot?.token || !(await answers(boot))) return false;
  const store = readStore(ctx.identity.labDir);
  if (!store.clusterInfo || !store.csrSigner || !liveToken(store.tokens, boot.token, 'authentication')) return false;
  storeClientPem(await signClientPem(store.csrSigner.caCert, store.csrSigner.caKey, nodeName));
  const ca = Buffer.from(boot.ca ?? '').toString('base64');
  writeFileSync(hostPath(KUBELET_CONF), stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': ca, server: boot.server }, name: 'default-cluster' }],
    contexts: [{ context: { cluster: 'default-cluster', namespace: 'default', user: 'default-auth' }, name: 'default-context' }],
    'current-context': 'default-context',
    kind: 'Config',
    preferences: {},
    users: [{ name: 'default-auth', user: { 'client-certificate': CURRENT_PEM, 'client-key': CURRENT_PEM } }],
  }), { mode: 0o600 });
  return true;
}

/** One attempt; true once the Node is registered (the caller stops trying). */
export async function registerWithApiServer(ctx: SimContext): Promise<boolean> {
  const me = kubeletIdentity(ctx);
  if (!existsSync(hostPath(KUBELET_CONF))) {
    if (!existsSync(hostPath(BOOTSTRAP_KUBELET_CONF)) || !(await tlsBootstrap(ctx, me.name))) return false;
  }
  const view = readKubeconfig(KUBELET_CONF);
  if (!view || !(await answers(view))) return false;
  // A kubeconfig with an embedded certificate (kubeadm init's) seeds the rotatable certificate store.
  if (view.clientCertificateData && view.clientKeyData && !existsSync(hostPath(CURRENT_PEM))) {
    storeClientPem(Buffer.from(view.clientCertificateData, 'base64').toString('utf8') + Buffer.from(view.clientKeyData, 'base64').toString('utf8'));
  }
  await updateStore(ctx.identity.labDir, (s) => registerNode(s, ctx, me.name, me.address));
  return true;
}
