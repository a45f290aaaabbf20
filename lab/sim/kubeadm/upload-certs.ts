/** The "kubeadm-certs" Secret: upload (init --upload-certs, init phase upload-certs) and download (join). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SimContext } from '../context';
import { decryptCerts, encryptCerts, isCertificateKey, newCertificateKey } from '../certs-secret';
import { SimExit } from '../errors';
import { certificateKeyExpiredAt } from '../faults-file';
import { SHARED_CERT_FILES } from '../pki';
import { readStore, updateStore } from '../store';
import { scaled, TTL } from '../time';
import { pki } from './files';

export async function uploadCerts(ctx: SimContext, key = newCertificateKey()): Promise<{ key: string; output: string }> {
  if (!isCertificateKey(key)) throw new SimExit(`error execution phase upload-certs: error uploading certs: error decoding certificate key: encoding/hex: invalid byte`, 1);
  const files: Record<string, string> = {};
  for (const f of SHARED_CERT_FILES) {
    const full = path.join(pki(), f);
    if (!existsSync(full)) throw new SimExit(`error execution phase upload-certs: error uploading certs: open /etc/kubernetes/pki/${f}: no such file or directory`, 1);
    files[f] = readFileSync(full, 'utf8');
  }
  const now = Date.now();
  await updateStore(ctx.identity.labDir, (s) => {
    s.certs = { data: encryptCerts(files, key), uploadedAt: now, expiresAt: now + scaled(ctx.config, TTL.certificateKey) };
  });
  return {
    key,
    output: `[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${key}\n`,
  };
}

const EXPIRED =
  'error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one';

/** Writes the shared CA material into this host's PKI, or fails like kubeadm's download-certs phase. */
export function downloadCerts(ctx: SimContext, key: string): void {
  const phase = 'control-plane-prepare/download-certs';
  const secret = readStore(ctx.identity.labDir).certs;
  const expiredByFault = certificateKeyExpiredAt(ctx.identity.labDir);
  const now = Date.now();
  if (!secret || secret.expiresAt <= now || (expiredByFault !== undefined && secret.uploadedAt <= expiredByFault)) {
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
  for (const [f, pem] of Object.entries(files)) {
    const full = path.join(pki(), f);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, pem, { mode: f.endsWith('.key') ? 0o600 : 0o644 });
  }
}
