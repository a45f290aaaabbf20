/**
 * Join credentials: bootstrap tokens (+ the CA hash) and the certificate key the control-plane
 * certificates are uploaded with. One certificate key serves a whole bring-up: renewals
 * re-upload with the same key, so joins in flight keep working; a new key is an explicit rotation.
 */
import { createHash, randomBytes, randomInt, X509Certificate } from 'node:crypto';
import { readCaCert, revokeJoinCredentials, tokenCreate, uploadCertsWithConfig } from '../remote/kubeadm';
import { KUBEHA_DIR } from '../remote/paths';
import { renderKubeadmInit } from '../render';
import type { ActivityDeps } from './deps';
import { localApiUrl } from './kubeadm-state';
import { failure } from './failures';
import { parseJoinCommand } from './kubeadm-output';
import { hostStep } from './step';
import type { Step } from './step';
import type { BootstrapToken, CertificateKey, ClusterSettings, HostStepInput, RevokeInput, UploadCertsInput } from './types';
import { FailureTypes } from './types';

/** kubeadm deletes the uploaded-certs Secret after two hours, whatever we ask. */
export const KUBEADM_CERT_KEY_TTL_MS = 2 * 3600_000;

export function certificateKeyExpiry(cluster: ClusterSettings, now: number): string {
  return new Date(now + Math.min(cluster.certificateKey.ttlMs, KUBEADM_CERT_KEY_TTL_MS)).toISOString();
}

/** The spec's token TTL as kubeadm takes it: whole seconds, at least one (kubeadm reads 0 as "never expires"). */
export function tokenTtlSeconds(cluster: ClusterSettings): number {
  return Math.max(1, Math.ceil(cluster.joinToken.ttlMs / 1000));
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (n: number): string => Array.from({ length: n }, () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]).join('');

/** `[a-z0-9]{6}.[a-z0-9]{16}`, as `kubeadm token generate` makes them. */
export function newBootstrapToken(): string {
  return `${randomText(6)}.${randomText(16)}`;
}

/** 32 random bytes, hex: what `kubeadm certs certificate-key` prints. */
export function newCertificateKey(): string {
  return randomBytes(32).toString('hex');
}

/** The token id: the public half, enough to delete it. */
export const tokenId = (token: string): string => token.split('.')[0] ?? '';

/** `sha256:<hex>` of the CA's SubjectPublicKeyInfo, as `--discovery-token-ca-cert-hash` wants it. */
export function caCertHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

export async function readCaCertHash(step: Step): Promise<string> {
  return caCertHash((await step.runChecked(readCaCert.render({}))).stdout);
}

export async function mintJoinToken(deps: ActivityDeps, step: Step, cluster: ClusterSettings): Promise<BootstrapToken> {
  const started = deps.clock();
  const result = await step.runChecked(tokenCreate.render({ ttlSeconds: tokenTtlSeconds(cluster), server: localApiUrl(cluster, step.host) }), { timeoutMs: 2 * 60_000 });
  const parsed = parseJoinCommand(result.stdout);
  if (!parsed) throw failure(FailureTypes.remoteCommand, `${step.host.name}: kubeadm token create --print-join-command printed no join command`);
  step.log('created a bootstrap token');
  return { ...parsed, expiresAt: new Date(started + cluster.joinToken.ttlMs).toISOString() };
}

const UPLOAD_CONFIG = `${KUBEHA_DIR}/kubeadm-upload-certs.yaml`;

/** Uploads the certificates encrypted with `key` (a config file carries it; the script removes the file). */
export async function uploadCertificates(deps: ActivityDeps, step: Step, cluster: ClusterSettings, key: string): Promise<CertificateKey> {
  const started = deps.clock();
  await step.writeFile(UPLOAD_CONFIG, renderKubeadmInit(cluster, { host: step.host, certificateKey: key }), 0o600);
  await step.runChecked(uploadCertsWithConfig.render({ config: UPLOAD_CONFIG, server: localApiUrl(cluster, step.host) }), { timeoutMs: 3 * 60_000 });
  return { key, expiresAt: certificateKeyExpiry(cluster, started) };
}

export function createCredentialActivities(deps: ActivityDeps) {
  return {
    async uploadCerts({ cluster, host, certificateKey }: UploadCertsInput): Promise<CertificateKey> {
      const step = hostStep(deps, host, 'upload-certs');
      const uploaded = await uploadCertificates(deps, step, cluster, certificateKey?.key ?? newCertificateKey());
      step.log(certificateKey ? 're-uploaded the control-plane certificates with the same certificate key' : 'uploaded the control-plane certificates with a new certificate key');
      return uploaded;
    },
    async createJoinToken(input: HostStepInput): Promise<BootstrapToken> {
      return mintJoinToken(deps, hostStep(deps, input.host, 'create-join-token'), input.cluster);
    },
    async revokeJoinCredentials({ cluster, host, tokenIds, certificateSecret, files }: RevokeInput): Promise<void> {
      const step = hostStep(deps, host, 'revoke-join-credentials');
      const script = revokeJoinCredentials.render({ tokenIds, certificateSecret, files: files ?? [], server: localApiUrl(cluster, host) });
      await step.runChecked(script, { timeoutMs: 2 * 60_000 });
      step.log(`revoked ${tokenIds.length} bootstrap token(s)${certificateSecret ? ' and the kubeadm-certs Secret' : ''}`);
    },
  };
}
