/** The "kubeadm-certs" Secret's encryption: AES-256-GCM keyed by the 32-byte certificate key. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export function newCertificateKey(): string {
  return randomBytes(32).toString('hex');
}

export function isCertificateKey(key: string): boolean {
  return /^[0-9a-f]{64}$/i.test(key);
}

export function encryptCerts(files: Record<string, string>, key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'hex'), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(files), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Throws kubeadm's own message when the key is wrong. */
export function decryptCerts(data: string, key: string): Record<string, string> {
  const raw = Buffer.from(data, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'hex'), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Record<string, string>;
  } catch {
    throw new Error('error decoding secret data with provided key: cipher: message authentication failed');
  }
}
