/** `kubeadm certs certificate-key|check-expiration|renew`. */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import type { SimContext } from '../context';
import { newCertificateKey } from '../certs-secret';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { certInfo, createLeaf, leafSpecOf } from '../pki';
import { pki } from './files';
import { out } from '../output';
import { readStore } from '../store';

export async function certificateKey(): Promise<number> {
  out(`${newCertificateKey()}\n`);
  return 0;
}

/** What `kubeadm certs check-expiration` lists and `kubeadm certs renew all` renews, with renew's own words for each. */
const RENEWABLE: Array<{ name: string; file: string; ca: string; says: string }> = [
  { name: 'admin.conf', file: '../admin.conf', ca: 'ca', says: 'certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself' },
  { name: 'apiserver', file: 'apiserver.crt', ca: 'ca', says: 'certificate for serving the Kubernetes API' },
  { name: 'apiserver-etcd-client', file: 'apiserver-etcd-client.crt', ca: 'etcd-ca', says: 'certificate the apiserver uses to access etcd' },
  { name: 'apiserver-kubelet-client', file: 'apiserver-kubelet-client.crt', ca: 'ca', says: 'certificate for the API server to connect to kubelet' },
  { name: 'controller-manager.conf', file: '../controller-manager.conf', ca: 'ca', says: 'certificate embedded in the kubeconfig file for the controller manager to use' },
  { name: 'etcd-healthcheck-client', file: 'etcd/healthcheck-client.crt', ca: 'etcd-ca', says: 'certificate for liveness probes to healthcheck etcd' },
  { name: 'etcd-peer', file: 'etcd/peer.crt', ca: 'etcd-ca', says: 'certificate for etcd nodes to communicate with each other' },
  { name: 'etcd-server', file: 'etcd/server.crt', ca: 'etcd-ca', says: 'certificate for serving etcd' },
  { name: 'front-proxy-client', file: 'front-proxy-client.crt', ca: 'front-proxy-ca', says: 'certificate for the front proxy client' },
  { name: 'scheduler.conf', file: '../scheduler.conf', ca: 'ca', says: 'certificate embedded in the kubeconfig file for the scheduler manager to use' },
  { name: 'super-admin.conf', file: '../super-admin.conf', ca: 'ca', says: 'certificate embedded in the kubeconfig file for the super-admin' },
];

const CAS = [
  { name: 'ca', file: 'ca.crt' },
  { name: 'etcd-ca', file: 'etcd/ca.crt' },
  { name: 'front-proxy-ca', file: 'front-proxy-ca.crt' },
];

/**
 * With etcd.external kubeadm's renewal manager works on GetCertsWithoutEtcd: no etcd CA and none of
 * the certificates it signs (apiserver-etcd-client included: the user's, from the external etcd's CA).
 */
const isEtcdOwned = (c: { ca?: string; name: string }): boolean => c.ca === 'etcd-ca' || c.name === 'etcd-ca';
const managed = <T extends { ca?: string; name: string }>(list: T[], externalEtcd: boolean): T[] => (externalEtcd ? list.filter((c) => !isEtcdOwned(c)) : list);

/** The cluster's kubeadm-config says etcd is external (kubeadm reads it before check-expiration and renew). */
function usesExternalEtcd(ctx: SimContext): boolean {
  return readStore(ctx.identity.labDir).cluster?.externalEtcd !== undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const fmt = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')}, ${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;

/** apimachinery's duration.ShortHumanDuration, as kubeadm prints RESIDUAL TIME. */
function residual(d: Date): string {
  const seconds = Math.trunc((d.getTime() - Date.now()) / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
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

export async function checkExpiration(_p: ParsedArgs, ctx: SimContext): Promise<number> {
  const external = usesExternalEtcd(ctx);
  if (!existsSync(path.join(pki(), 'ca.crt'))) {
    throw new SimExit('error execution phase check-expiration: failed to load existing certificate ca: open /etc/kubernetes/pki/ca.crt: no such file or directory', 1);
  }
  const header = ['[check-expiration] Reading configuration from the cluster...', "[check-expiration] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'", ''];
  const rows = [['CERTIFICATE', 'EXPIRES', 'RESIDUAL TIME', 'CERTIFICATE AUTHORITY', 'EXTERNALLY MANAGED']];
  for (const c of managed(RENEWABLE, external)) {
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
  for (const ca of managed(CAS, external)) {
    const file = certFile(ca.file);
    if (!file) continue;
    const info = certInfo(file);
    caRows.push([ca.name, fmt(info.notAfter), residual(info.notAfter), 'no']);
  }
  out(`${header.join('\n')}${table(rows)}\n${table(caRows)}`);
  return 0;
}

const CA_FILE: Record<string, string> = { ca: 'ca', 'etcd-ca': 'etcd/ca', 'front-proxy-ca': 'front-proxy-ca' };

/**
 * Re-signs one certificate (or a kubeconfig's embedded client certificate) with a new key and
 * `days` of validity, keeping its subject, SANs and usage: what `kubeadm certs renew` does.
 * False when the certificate is not there (e.g. etcd certificates with external etcd).
 */
async function reissue(k8sDir: string, c: (typeof RENEWABLE)[number], days: number): Promise<boolean> {
  const pkiDir = path.join(k8sDir, 'pki');
  const ca = CA_FILE[c.ca] as string;
  if (!c.file.startsWith('../')) {
    const file = path.join(pkiDir, c.file);
    if (!existsSync(file)) return false;
    await createLeaf(pkiDir, { ...leafSpecOf(readFileSync(file)), name: c.file.replace(/\.crt$/, ''), ca, days });
    return true;
  }
  const file = path.join(k8sDir, c.file.slice(3));
  if (!existsSync(file)) return false;
  const config = parse(readFileSync(file, 'utf8')) as { users?: Array<{ user?: Record<string, string> }> };
  const user = config.users?.[0]?.user;
  const data = user?.['client-certificate-data'];
  if (!user || !data) return false;
  const tmp = `.renew-${path.basename(c.file, '.conf')}`;
  await createLeaf(pkiDir, { ...leafSpecOf(Buffer.from(data, 'base64')), name: tmp, ca, days });
  try {
    user['client-certificate-data'] = readFileSync(path.join(pkiDir, `${tmp}.crt`)).toString('base64');
    user['client-key-data'] = readFileSync(path.join(pkiDir, `${tmp}.key`)).toString('base64');
    writeFileSync(file, stringify(config), { mode: 0o600 });
  } finally {
    rmSync(path.join(pkiDir, `${tmp}.crt`), { force: true });
    rmSync(path.join(pkiDir, `${tmp}.key`), { force: true });
  }
  return true;
}

/** Every certificate kubeadm renews under `k8sDir` (a host's /etc/kubernetes) valid for `days` from now; their names. */
export async function reissueAll(k8sDir: string, days: number, externalEtcd = false): Promise<string[]> {
  const renewed: string[] = [];
  for (const c of managed(RENEWABLE, externalEtcd)) if (await reissue(k8sDir, c, days)) renewed.push(c.name);
  return renewed;
}

export async function renew(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const which = p.positional[2];
  if (!which) throw new SimExit('missing subcommand; "renew" is not meant to be run on its own', 1);
  const renewable = managed(RENEWABLE, usesExternalEtcd(ctx));
  const targets = which === 'all' ? renewable : renewable.filter((c) => c.name === which);
  if (targets.length === 0) throw new SimExit(`unknown command "${which}" for "kubeadm certs renew"`, 1);
  if (!existsSync(path.join(pki(), 'ca.key'))) {
    throw new SimExit('error execution phase renew: failed to load existing certificate ca: open /etc/kubernetes/pki/ca.key: no such file or directory', 1);
  }
  out("[renew] Reading configuration from the cluster...\n[renew] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n\n");
  const k8sDir = path.dirname(pki());
  for (const c of targets) {
    if (await reissue(k8sDir, c, 365)) out(`${c.says} renewed\n`);
    else if (which !== 'all') throw new SimExit(`error: ${c.name} does not exist`, 1);
  }
  if (which === 'all') out('\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.\n');
  return 0;
}
