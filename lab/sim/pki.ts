/**
 * kubeadm's PKI under /etc/kubernetes/pki, made with the real openssl CLI. CAs and the
 * service-account key are RSA-2048 like kubeadm's default; leaf keys are ECDSA P-256 (kubeadm's
 * `encryptionAlgorithm: ECDSA-P256`) because RSA generation costs ~0.3 s each on the lab machine.
 */
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export type Usage = 'server' | 'client' | 'server+client';

export interface LeafSpec {
  /** Path without extension relative to the PKI dir, e.g. `etcd/server`. */
  name: string;
  ca: string;
  cn: string;
  org?: string;
  usage: Usage;
  dnsNames?: string[];
  ips?: string[];
  days?: number;
}

/** Asynchronous: in the lab's simulator server a synchronous openssl would stall every host's commands. */
function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, (err, _stdout, stderr) => {
      if (err) reject(new Error(`openssl ${args[0] ?? ''} failed: ${String(stderr).trim() || err.message}`));
      else resolve();
    });
  });
}

async function withConfig<T>(extensions: string[], fn: (config: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kubeha-pki-'));
  try {
    const config = path.join(dir, 'openssl.cnf');
    await writeFile(config, ['[req]', 'distinguished_name = dn', 'x509_extensions = ext', 'prompt = no', '[dn]', '[ext]', ...extensions, ''].join('\n'));
    return await fn(config);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function subject(cn: string, org?: string): string {
  const esc = (v: string) => v.replace(/[/\\=]/g, (c) => `\\${c}`);
  return `${org ? `/O=${esc(org)}` : ''}/CN=${esc(cn)}`;
}

export async function createCa(pkiDir: string, name: string, cn: string): Promise<void> {
  const base = path.join(pkiDir, name);
  mkdirSync(path.dirname(base), { recursive: true });
  await withConfig(['basicConstraints = critical,CA:TRUE', 'keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign', 'subjectKeyIdentifier = hash'], (config) =>
    openssl(['req', '-x509', '-config', config, '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.crt`, '-subj', subject(cn), '-days', '3650']),
  );
}

export async function createLeaf(pkiDir: string, spec: LeafSpec): Promise<void> {
  const base = path.join(pkiDir, spec.name);
  const ca = path.join(pkiDir, spec.ca);
  mkdirSync(path.dirname(base), { recursive: true });
  const eku = { server: 'serverAuth', client: 'clientAuth', 'server+client': 'serverAuth,clientAuth' }[spec.usage];
  const sans = [...(spec.dnsNames ?? []).map((d) => `DNS:${d}`), ...(spec.ips ?? []).map((ip) => `IP:${ip}`)];
  const ext = ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment', `extendedKeyUsage = ${eku}`, 'authorityKeyIdentifier = keyid'];
  if (sans.length > 0) ext.push(`subjectAltName = ${sans.join(',')}`);
  await withConfig(ext, (config) =>
    openssl([
      'req', '-x509', '-config', config, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', `${base}.key`, '-out', `${base}.crt`, '-subj', subject(spec.cn, spec.org), '-days', String(spec.days ?? 365),
      '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`,
    ]),
  );
}

export async function createServiceAccountKey(pkiDir: string): Promise<void> {
  await openssl(['genrsa', '-out', path.join(pkiDir, 'sa.key'), '2048']);
  await openssl(['rsa', '-in', path.join(pkiDir, 'sa.key'), '-pubout', '-out', path.join(pkiDir, 'sa.pub')]);
}

/** `sha256:<hex>` of the CA's SubjectPublicKeyInfo, as kubeadm's --discovery-token-ca-cert-hash. */
export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** The files the "kubeadm-certs" Secret carries (shared by every control plane). */
export const SHARED_CERT_FILES = [
  'ca.crt', 'ca.key', 'sa.key', 'sa.pub', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'etcd/ca.crt', 'etcd/ca.key',
] as const;

/** With external etcd, kubeadm makes no etcd CA ("External etcd mode: Skipping etcd/ca certificate authority generation"). */
export async function createSharedCas(pkiDir: string, externalEtcd = false): Promise<void> {
  await Promise.all([
    createCa(pkiDir, 'ca', 'kubernetes'),
    createCa(pkiDir, 'front-proxy-ca', 'front-proxy-ca'),
    externalEtcd ? undefined : createCa(pkiDir, 'etcd/ca', 'etcd-ca'),
    createServiceAccountKey(pkiDir),
  ]);
}

export interface NodeCertInput {
  nodeName: string;
  address: string;
  /** Host part of controlPlaneEndpoint (DNS name or IP), added to the apiserver SANs. */
  endpointHost?: string;
  serviceIp: string;
  /** apiServer.certSANs / --apiserver-cert-extra-sans. */
  extraSans?: string[];
  /** No etcd certificates (server, peer, healthcheck-client, apiserver-etcd-client): etcd is external. */
  externalEtcd?: boolean;
}

const isIp = (v: string) => /^\d+\.\d+\.\d+\.\d+$/.test(v) || v.includes(':');

/** This control plane's own certificates, signed by the shared CAs (kubeadm's `certs` phase). */
export async function createControlPlaneLeaves(pkiDir: string, input: NodeCertInput): Promise<void> {
  const dns = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', input.nodeName];
  const ips = [input.serviceIp, input.address];
  for (const san of [input.endpointHost, ...(input.extraSans ?? [])]) if (san) (isIp(san) ? ips : dns).push(san);
  await createLeaf(pkiDir, { name: 'apiserver', ca: 'ca', cn: 'kube-apiserver', usage: 'server', dnsNames: [...new Set(dns)], ips: [...new Set(ips)] });
  await createLeaf(pkiDir, { name: 'apiserver-kubelet-client', ca: 'ca', cn: 'kube-apiserver-kubelet-client', org: 'kubeadm:cluster-admins', usage: 'client' });
  await createLeaf(pkiDir, { name: 'front-proxy-client', ca: 'front-proxy-ca', cn: 'front-proxy-client', usage: 'client' });
  if (input.externalEtcd) return;
  const etcdNames = { dnsNames: [input.nodeName, 'localhost'], ips: [input.address, '127.0.0.1', '::1'] };
  await createLeaf(pkiDir, { name: 'etcd/server', ca: 'etcd/ca', cn: input.nodeName, usage: 'server+client', ...etcdNames });
  await createLeaf(pkiDir, { name: 'etcd/peer', ca: 'etcd/ca', cn: input.nodeName, usage: 'server+client', ...etcdNames });
  await createLeaf(pkiDir, { name: 'etcd/healthcheck-client', ca: 'etcd/ca', cn: 'kube-etcd-healthcheck-client', usage: 'client' });
  await createLeaf(pkiDir, { name: 'apiserver-etcd-client', ca: 'etcd/ca', cn: 'kube-apiserver-etcd-client', usage: 'client' });
}

export function readPem(pkiDir: string, file: string): string {
  return readFileSync(path.join(pkiDir, file), 'utf8');
}

export interface CertInfo {
  notAfter: Date;
  issuer: string;
}

export function certInfo(file: string): CertInfo {
  const cert = new X509Certificate(readFileSync(file));
  return { notAfter: new Date(cert.validTo), issuer: cert.issuer };
}

/** The subject, SANs and usage of an existing leaf, as `kubeadm certs renew` keeps them. */
export function leafSpecOf(pem: string | Buffer): Omit<LeafSpec, 'name' | 'ca' | 'days'> {
  const cert = new X509Certificate(pem);
  const field = (key: string) => cert.subject.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
  const sans = (cert.subjectAltName ?? '').split(', ').filter(Boolean);
  const eku = new Set(cert.keyUsage ?? []);
  const server = eku.has('1.3.6.1.5.5.7.3.1');
  const client = eku.has('1.3.6.1.5.5.7.3.2');
  const org = field('O');
  const dnsNames = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const ips = sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice(11).toLowerCase()).map((ip) => (ip === '0:0:0:0:0:0:0:1' ? '::1' : ip));
  return {
    cn: field('CN') ?? '',
    ...(org ? { org } : {}),
    usage: server && client ? 'server+client' : server ? 'server' : 'client',
    ...(dnsNames.length ? { dnsNames } : {}),
    ...(ips.length ? { ips } : {}),
  };
}
