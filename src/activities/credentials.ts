/** Fresh join credentials: a bootstrap token (+ CA hash) and an uploaded certificate key. */
import { tokenCreate, uploadCerts } from '../remote/kubeadm';
import type { ActivityDeps } from './deps';
import { failure } from './failures';
import { parseCertificateKey, parseJoinCommand } from './kubeadm-output';
import { hostStep } from './step';
import type { Step } from './step';
import type { BootstrapToken, CertificateKey, ClusterSettings, HostStepInput } from './types';
import { FailureTypes } from './types';

/** kubeadm deletes the uploaded-certs Secret after two hours, whatever we ask. */
export const KUBEADM_CERT_KEY_TTL_MS = 2 * 3600_000;

export function certificateKeyExpiry(cluster: ClusterSettings, now: number): string {
  return new Date(now + Math.min(cluster.certificateKey.ttlMs, KUBEADM_CERT_KEY_TTL_MS)).toISOString();
}

/** kubeadm's default bootstrap-token TTL. */
export const KUBEADM_TOKEN_TTL_MS = 24 * 3600_000;

/**
 * The token lives kubeadm's default 24 h unless the spec asks for longer; the spec's TTL sets
 * `expiresAt`, which the workflow renews before. Never passing a shorter --ttl keeps the token
 * valid for at least the spec's TTL even where the spec's durations are scaled (the lab).
 */
export function tokenTtlSeconds(cluster: ClusterSettings): number {
  return Math.round(Math.max(KUBEADM_TOKEN_TTL_MS, cluster.joinToken.ttlMs) / 1000);
}

export async function mintCertificateKey(deps: ActivityDeps, step: Step, cluster: ClusterSettings): Promise<CertificateKey> {
  const started = deps.clock();
  const result = await step.runChecked(uploadCerts.render({}), { timeoutMs: 3 * 60_000 });
  const key = parseCertificateKey(result.stdout);
  if (!key) throw failure(FailureTypes.remoteCommand, `${step.host.name}: kubeadm init phase upload-certs printed no certificate key`);
  step.log('uploaded the control-plane certificates with a fresh certificate key');
  return { key, expiresAt: certificateKeyExpiry(cluster, started) };
}

export async function mintJoinToken(deps: ActivityDeps, step: Step, cluster: ClusterSettings): Promise<BootstrapToken> {
  const started = deps.clock();
  const result = await step.runChecked(tokenCreate.render({ ttlSeconds: tokenTtlSeconds(cluster) }), { timeoutMs: 2 * 60_000 });
  const parsed = parseJoinCommand(result.stdout);
  if (!parsed) throw failure(FailureTypes.remoteCommand, `${step.host.name}: kubeadm token create --print-join-command printed no join command`);
  step.log('created a bootstrap token');
  return { ...parsed, expiresAt: new Date(started + cluster.joinToken.ttlMs).toISOString() };
}

export function createCredentialActivities(deps: ActivityDeps) {
  return {
    async uploadCerts(input: HostStepInput): Promise<CertificateKey> {
      return mintCertificateKey(deps, hostStep(deps, input.host, 'upload-certs'), input.cluster);
    },
    async createJoinToken(input: HostStepInput): Promise<BootstrapToken> {
      return mintJoinToken(deps, hostStep(deps, input.host, 'create-join-token'), input.cluster);
    },
  };
}
