/**
 * kubeadm's PKI under /etc/kubernetes/pki, made in-process with Node's crypto (keys and
 * signatures) and @peculiar/asn1-x509 (the certificate's DER), laid out and encoded as kubeadm's
 * Go code writes them: PKCS#1 RSA and SEC 1 EC private keys, an SPKI sa.pub, CAs with a subject
 * key identifier, leaves with the CA's as authority key identifier. CAs and the service-account
 * key are RSA-2048 like kubeadm's default; leaf keys are ECDSA P-256 (kubeadm's
 * `encryptionAlgorithm: ECDSA-P256`) because RSA generation costs ~0.3 s each on the lab machine.
 * Key generation and signing run on libuv's thread pool: in the lab's simulator server the
 * event loop serves every host's commands. (An openssl process per certificate cost the server a
 * fork of itself each time: a fifth of its CPU in a 3+50 bring-up.)
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import type { KeyObject } from 'node:crypto';
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';

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

const generate = promisify(generateKeyPair);
const signAsync = promisify(sign);
const DAY_MS = 86_400_000;

/** The bytes of a Buffer as the standalone ArrayBuffer @peculiar/asn1-schema takes. */
const arrayBufferOf = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

const newRsaKey = async (): Promise<KeyObject> => (await generate('rsa', { modulusLength: 2048 })).privateKey;
const newEcKey = async (): Promise<KeyObject> => (await generate('ec', { namedCurve: 'prime256v1' })).privateKey;

/** keyutil.MarshalPrivateKeyToPEM: "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC 1). */
function privateKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1' }).toString();
}

function spkiOf(key: KeyObject): asn.SubjectPublicKeyInfo {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return AsnConvert.parse(der, asn.SubjectPublicKeyInfo);
}

/** RFC 5280 4.2.1.2 method 1, as Go's x509 computes a CA's: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: asn.SubjectPublicKeyInfo): ArrayBuffer {
  return arrayBufferOf(createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest());
}

/** Go's asn1 writes a PrintableString when the value allows it, otherwise UTF8String. */
function attributeValue(value: string): asn.AttributeValue {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value) ? new asn.AttributeValue({ printableString: value }) : new asn.AttributeValue({ utf8String: value });
}

function subjectName(cn: string, org?: string): asn.Name {
  const rdn = (type: string, value: string) => new asn.RelativeDistinguishedName([new asn.AttributeTypeAndValue({ type, value: attributeValue(value) })]);
  return new asn.Name([...(org ? [rdn('2.5.4.10', org)] : []), rdn('2.5.4.3', cn)]);
}

function extension(extnID: string, critical: boolean, value: unknown): asn.Extension {
  return new asn.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** A positive 128-bit serial whose DER encoding is minimal. */
function serialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return arrayBufferOf(bytes);
}

function signatureAlgorithm(issuerKey: KeyObject): asn.AlgorithmIdentifier {
  return issuerKey.asymmetricKeyType === 'rsa'
    ? new asn.AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null }) // sha256WithRSAEncryption
    : new asn.AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }); // ecdsa-with-SHA256
}

interface CertificateInput {
  subject: asn.Name;
  issuer: asn.Name;
  subjectKey: KeyObject;
  issuerKey: KeyObject;
  days: number;
  extensions: asn.Extension[];
}

async function certificatePem(input: CertificateInput): Promise<string> {
  const now = Date.now();
  const tbs = new asn.TBSCertificate({
    version: asn.Version.v3,
    serialNumber: serialNumber(),
    signature: signatureAlgorithm(input.issuerKey),
    issuer: input.issuer,
    validity: new asn.Validity({ notBefore: new Date(now), notAfter: new Date(now + input.days * DAY_MS) }),
    subject: input.subject,
    subjectPublicKeyInfo: spkiOf(input.subjectKey),
    extensions: new asn.Extensions(input.extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = await signAsync('sha256', tbsDer, input.issuerKey);
  const der = Buffer.from(AsnConvert.serialize(new asn.Certificate({ tbsCertificate: tbs, signatureAlgorithm: tbs.signature, signatureValue: arrayBufferOf(signature) })));
  return pemOf('CERTIFICATE', der);
}

/** PEM as Go's encoding/pem writes it: base64 in lines of 64. */
function pemOf(type: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

async function writePair(base: string, key: KeyObject, certPem: string): Promise<void> {
  mkdirSync(path.dirname(base), { recursive: true });
  await Promise.all([writeFile(`${base}.key`, privateKeyPem(key), { mode: 0o600 }), writeFile(`${base}.crt`, certPem)]);
}

export async function createCa(pkiDir: string, name: string, cn: string): Promise<void> {
  const key = await newRsaKey();
  const subject = subjectName(cn);
  const spki = spkiOf(key);
  const pem = await certificatePem({
    subject,
    issuer: subject,
    subjectKey: key,
    issuerKey: key,
    days: 3650,
    extensions: [
      extension(asn.id_ce_keyUsage, true, new asn.KeyUsage(asn.KeyUsageFlags.digitalSignature | asn.KeyUsageFlags.keyEncipherment | asn.KeyUsageFlags.keyCertSign)),
      extension(asn.id_ce_basicConstraints, true, new asn.BasicConstraints({ cA: true })),
      extension(asn.id_ce_subjectKeyIdentifier, false, new asn.SubjectKeyIdentifier(keyIdentifier(spki))),
    ],
  });
  await writePair(path.join(pkiDir, name), key, pem);
}

const EXTENDED_USAGES: Record<Usage, string[]> = {
  server: [asn.id_kp_serverAuth],
  client: [asn.id_kp_clientAuth],
  'server+client': [asn.id_kp_serverAuth, asn.id_kp_clientAuth],
};

interface Issuer {
  name: asn.Name;
  key: KeyObject;
  keyId: ArrayBuffer;
}

/**
 * CAs parsed, by their files' contents: every host of a lab has the same few, and parsing one
 * (its certificate's DER, its RSA key) was about 2.7 ms of the simulator server's CPU for each
 * kubelet certificate it signed.
 */
const issuers = new Map<string, Issuer>();
const MAX_ISSUERS = 64;

function issuerOf(caPem: string, caKeyPem: string): Issuer {
  const id = `${caPem}\0${caKeyPem}`;
  let issuer = issuers.get(id);
  if (!issuer) {
    const caCert = AsnConvert.parse(new X509Certificate(caPem).raw, asn.Certificate);
    issuer = { name: caCert.tbsCertificate.subject, key: createPrivateKey(caKeyPem), keyId: keyIdentifier(caCert.tbsCertificate.subjectPublicKeyInfo) };
    if (issuers.size >= MAX_ISSUERS) issuers.clear();
    issuers.set(id, issuer);
  }
  return issuer;
}

export async function createLeaf(pkiDir: string, spec: LeafSpec): Promise<void> {
  const ca = path.join(pkiDir, spec.ca);
  const [caPem, caKeyPem, key] = await Promise.all([readFile(`${ca}.crt`, 'utf8'), readFile(`${ca}.key`, 'utf8'), newEcKey()]);
  const issuer = issuerOf(caPem, caKeyPem);
  const sans = [...(spec.dnsNames ?? []).map((dNSName) => new asn.GeneralName({ dNSName })), ...(spec.ips ?? []).map((iPAddress) => new asn.GeneralName({ iPAddress }))];
  const extensions = [
    extension(asn.id_ce_keyUsage, true, new asn.KeyUsage(asn.KeyUsageFlags.digitalSignature | asn.KeyUsageFlags.keyEncipherment)),
    extension(asn.id_ce_extKeyUsage, false, new asn.ExtendedKeyUsage(EXTENDED_USAGES[spec.usage])),
    extension(asn.id_ce_basicConstraints, true, new asn.BasicConstraints({ cA: false })),
    extension(asn.id_ce_authorityKeyIdentifier, false, new asn.AuthorityKeyIdentifier({ keyIdentifier: new asn.KeyIdentifier(issuer.keyId) })),
  ];
  if (sans.length > 0) extensions.push(extension(asn.id_ce_subjectAltName, false, new asn.SubjectAlternativeName(sans)));
  const pem = await certificatePem({ subject: subjectName(spec.cn, spec.org), issuer: issuer.name, subjectKey: key, issuerKey: issuer.key, days: spec.days ?? 365, extensions });
  await writePair(path.join(pkiDir, spec.name), key, pem);
}

export async function createServiceAccountKey(pkiDir: string): Promise<void> {
  mkdirSync(pkiDir, { recursive: true });
  const key = await newRsaKey();
  await Promise.all([
    writeFile(path.join(pkiDir, 'sa.key'), privateKeyPem(key), { mode: 0o600 }),
    writeFile(path.join(pkiDir, 'sa.pub'), createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString()),
  ]);
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
  extraSans?: readonly string[];
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
