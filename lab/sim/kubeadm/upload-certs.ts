/** The "kubeadm-certs" Secret: upload (init --upload-certs, init phase upload-certs) and download (join). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SimContext } from '../context';
import { hostPath } from '../context';
import { decryptCerts, encryptCerts, isCertificateKey, newCertificateKey } from '../certs-secret';
import { SimExit } from '../errors';
import { certificateKeyExpiredAt } from '../faults-file';
import { out } from '../output';
import { SHARED_CERT_FILES } from '../pki';
import { readStore, updateStore } from '../store';
import type { ExternalEtcd, StoreView } from '../store';
import { TTL } from '../time';
import { pki } from './files';
import { makeToken, newToken } from './tokens';

/**
 * Encrypts the shared CA material with `key` into the one "kubeadm-certs" Secret (replacing it),
 * owned by a fresh 2 h bootstrap token, so every upload restarts the Secret's lifetime; the
 * tokens of earlier uploads stay until they expire, as in a real cluster.
 */
/** Stacked etcd: the etcd CA like the others. */
const LOCAL_ETCD_FILES = ['etcd/ca.crt', 'etcd/ca.key'];

/**
 * With external etcd kubeadm's certsToTransfer carries, instead of the etcd CA, the files
 * etcd.external names under these entries (copycerts.go); a file that is not there goes as an
 * empty entry, which the download skips.
 */
const EXTERNAL_ENTRIES = { 'external-etcd-ca.crt': 'caFile', 'external-etcd.crt': 'certFile', 'external-etcd.key': 'keyFile' } as const;

export async function uploadCerts(ctx: SimContext, key = newCertificateKey(), external?: ExternalEtcd): Promise<string> {
  out('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n');
  if (!isCertificateKey(key)) throw new SimExit(`error execution phase upload-certs: error uploading certs: error decoding certificate key: encoding/hex: invalid byte`, 1);
  const files: Record<string, string> = {};
  for (const f of SHARED_CERT_FILES.filter((name) => !external || !LOCAL_ETCD_FILES.includes(name))) {
    const full = path.join(pki(), f);
    if (!existsSync(full)) throw new SimExit(`error execution phase upload-certs: error uploading certs: open /etc/kubernetes/pki/${f}: no such file or directory`, 1);
    files[f] = readFileSync(full, 'utf8');
  }
  for (const [entry, field] of Object.entries(EXTERNAL_ENTRIES)) {
    if (!external) break;
    const file = external[field];
    files[entry] = file && existsSync(hostPath(file)) ? readFileSync(hostPath(file), 'utf8') : '';
  }
  const owner = { ...makeToken(ctx.config, newToken(), { modelMs: TTL.certificateKey }), description: 'Proxy for managing TTL for the kubeadm-certs secret', usages: [], groups: [] };
  await updateStore(ctx.identity.labDir, (s) => {
    s.tokens.push(owner);
    s.certs = { data: encryptCerts(files, key), uploadedAt: owner.createdAt, expiresAt: owner.expiresAt, ownerToken: owner.token, entries: Object.keys(files).length };
  });
  out(`[upload-certs] Using certificate key:\n${key}\n`);
  return key;
}

const EXPIRED =
  'error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one';

/** The kubeadm-certs Secret unless it is gone: deleted, expired with its owner token, or expired by the lab fault. */
export function currentCertsSecret(labDir: string, store: StoreView, now = Date.now()): StoreView['certs'] {
  const secret = store.certs;
  const expiredByFault = certificateKeyExpiredAt(labDir);
  if (!secret || secret.expiresAt <= now || (expiredByFault !== undefined && secret.uploadedAt <= expiredByFault)) return undefined;
  return secret;
}

/** Writes the shared CA material into this host's PKI, or fails like kubeadm's download-certs phase. */
export function downloadCerts(ctx: SimContext, key: string): void {
  const phase = 'control-plane-prepare/download-certs';
  const secret = currentCertsSecret(ctx.identity.labDir, readStore(ctx.identity.labDir));
  if (!secret) {
    throw new SimExit(`error execution phase ${phase}: ${EXPIRED}\nTo see the stack trace of this error execute with --v=5 or higher`, 1);
  }
  if (!isCertificateKey(key)) {
    throw new SimExit(`error execution phase ${phase}: error downloading certs: error decoding certificate key: encoding/hex: invalid byte\nTo see the stack trace of this error execute with --v=5 or higher`, 1);
  }
  let files: Record<string, string>;
  try {
    files = decryptCerts(secret.data, key);
  } catch (err) {
    throw new SimExit(`error execution phase ${phase}: error downloading certs: ${(err as Error).message}\nTo see the stack trace of this error execute with --v=5 or higher`, 1);
  }
  // Written where the cluster's kubeadm-config says (external etcd files at etcd.external's paths).
  const external = readStore(ctx.identity.labDir).cluster?.externalEtcd;
  for (const [f, pem] of Object.entries(files)) {
    const field = (EXTERNAL_ENTRIES as Record<string, 'caFile' | 'certFile' | 'keyFile' | undefined>)[f];
    const target = field ? external?.[field] : undefined;
    if (field && (!target || pem === '')) continue;
    const full = target ? hostPath(target) : path.join(pki(), f);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, pem, { mode: f.endsWith('.key') ? 0o600 : 0o644 });
  }
}
