/** `kubeadm certs certificate-key|check-expiration|renew`. */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { SimContext } from '../context';
import { newCertificateKey } from '../certs-secret';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { certInfo, createLeaf } from '../pki';
import type { LeafSpec } from '../pki';
import { pki } from './files';
import { out } from '../output';

export async function certificateKey(): Promise<number> {
  out(`${newCertificateKey()}\n`);
  return 0;
}

const RENEWABLE: Array<{ name: string; file: string; ca: string; leaf?: Omit<LeafSpec, 'name' | 'ca'> }> = [
  { name: 'admin.conf', file: '../admin.conf', ca: 'ca' },
  { name: 'apiserver', file: 'apiserver.crt', ca: 'ca' },
  { name: 'apiserver-etcd-client', file: 'apiserver-etcd-client.crt', ca: 'etcd-ca', leaf: { cn: 'kube-apiserver-etcd-client', usage: 'client' } },
  { name: 'apiserver-kubelet-client', file: 'apiserver-kubelet-client.crt', ca: 'ca', leaf: { cn: 'kube-apiserver-kubelet-client', org: 'kubeadm:cluster-admins', usage: 'client' } },
  { name: 'controller-manager.conf', file: '../controller-manager.conf', ca: 'ca' },
  { name: 'etcd-healthcheck-client', file: 'etcd/healthcheck-client.crt', ca: 'etcd-ca', leaf: { cn: 'kube-etcd-healthcheck-client', usage: 'client' } },
  { name: 'etcd-peer', file: 'etcd/peer.crt', ca: 'etcd-ca' },
  { name: 'etcd-server', file: 'etcd/server.crt', ca: 'etcd-ca' },
  { name: 'front-proxy-client', file: 'front-proxy-client.crt', ca: 'front-proxy-ca', leaf: { cn: 'front-proxy-client', usage: 'client' } },
  { name: 'scheduler.conf', file: '../scheduler.conf', ca: 'ca' },
  { name: 'super-admin.conf', file: '../super-admin.conf', ca: 'ca' },
];

const CAS = [
  { name: 'ca', file: 'ca.crt' },
  { name: 'etcd-ca', file: 'etcd/ca.crt' },
  { name: 'front-proxy-ca', file: 'front-proxy-ca.crt' },
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const fmt = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')}, ${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;

function residual(d: Date): string {
  const ms = d.getTime() - Date.now();
  if (ms <= 0) return '<invalid>';
  const days = Math.floor(ms / 86_400_000);
  return days >= 365 ? `${Math.floor(days / 365)}y` : `${days}d`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd()).join('\n') + '\n';
}

/** notAfter of the client certificate embedded in a kubeconfig. */
function kubeconfigCertExpiry(file: string): Date | undefined {
  if (!existsSync(file)) return undefined;
  const cfg = parse(readFileSync(file, 'utf8')) as { users?: Array<{ user?: { 'client-certificate-data'?: string } }> };
  const data = cfg.users?.[0]?.user?.['client-certificate-data'];
  return data ? new Date(new X509Certificate(Buffer.from(data, 'base64')).validTo) : undefined;
}


function certFile(rel: string): string | undefined {
  const full = path.join(pki(), rel);
  return existsSync(full) ? full : undefined;
}

export async function checkExpiration(_p: ParsedArgs, _ctx: SimContext): Promise<number> {
  if (!existsSync(path.join(pki(), 'ca.crt'))) {
    throw new SimExit('error execution phase check-expiration: failed to load existing certificate ca: open /etc/kubernetes/pki/ca.crt: no such file or directory', 1);
  }
  const header = ['[check-expiration] Reading configuration from the cluster...', "[check-expiration] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'", ''];
  const rows = [['CERTIFICATE', 'EXPIRES', 'RESIDUAL TIME', 'CERTIFICATE AUTHORITY', 'EXTERNALLY MANAGED']];
  for (const c of RENEWABLE) {
    const file = c.file.startsWith('../') ? undefined : certFile(c.file);
    if (c.file.startsWith('../')) {
      const notAfter = kubeconfigCertExpiry(path.join(pki(), c.file));
      if (!notAfter) continue;
      rows.push([c.name, fmt(notAfter), residual(notAfter), c.ca, 'no']);
      continue;
    }
    if (!file) continue;
    const info = certInfo(file);
    rows.push([c.name, fmt(info.notAfter), residual(info.notAfter), c.ca, 'no']);
  }
  const caRows = [['CERTIFICATE AUTHORITY', 'EXPIRES', 'RESIDUAL TIME', 'EXTERNALLY MANAGED']];
  for (const ca of CAS) {
    const file = certFile(ca.file);
    if (!file) continue;
    const info = certInfo(file);
    caRows.push([ca.name, fmt(info.notAfter), residual(info.notAfter), 'no']);
  }
  out(`${header.join('\n')}${table(rows)}\n${table(caRows)}`);
  return 0;
}

export async function renew(p: ParsedArgs, _ctx: SimContext): Promise<number> {
  const which = p.positional[2];
  if (!which) throw new SimExit('missing subcommand; "renew" is not meant to be run on its own', 1);
  const targets = which === 'all' ? RENEWABLE : RENEWABLE.filter((c) => c.name === which);
  if (targets.length === 0) throw new SimExit(`unknown command "${which}" for "kubeadm certs renew"`, 1);
  for (const c of targets) {
    if (c.leaf && certFile(c.file)) {
      createLeaf(pki(), { ...c.leaf, name: c.file.replace(/\.crt$/, ''), ca: c.ca === 'etcd-ca' ? 'etcd/ca' : c.ca });
    }
    out(`certificate ${c.name.endsWith('.conf') ? `embedded in the kubeconfig file for ${c.name.replace('.conf', '')}` : `for ${c.name}`} renewed\n`);
  }
  out('\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.\n');
  return 0;
}
