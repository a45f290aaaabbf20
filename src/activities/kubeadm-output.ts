/** Reads the secrets out of kubeadm's real output, and classifies its failures. */
import { FailureTypes } from './types';

const TOKEN = /--token\s+([a-z0-9]{6}\.[a-z0-9]{16})/;
const CA_HASH = /--discovery-token-ca-cert-hash\s+(sha256:[a-f0-9]{64})/;
const CERT_KEY_FLAG = /--certificate-key\s+([a-f0-9]{64})/;
const CERT_KEY_UPLOAD = /\[upload-certs\] Using certificate key:\s*\n\s*([a-f0-9]{64})/;

export function parseJoinCommand(output: string): { token: string; caCertHash: string } | undefined {
  const token = TOKEN.exec(output)?.[1];
  const caCertHash = CA_HASH.exec(output)?.[1];
  return token && caCertHash ? { token, caCertHash } : undefined;
}

export function parseCertificateKey(output: string): string | undefined {
  return CERT_KEY_UPLOAD.exec(output)?.[1] ?? CERT_KEY_FLAG.exec(output)?.[1];
}

export type KubeadmFailureKind =
  | typeof FailureTypes.certificateKeyExpired
  | typeof FailureTypes.joinTokenExpired
  | typeof FailureTypes.preflight
  | typeof FailureTypes.remoteCommand;

export function classifyKubeadmFailure(output: string): KubeadmFailureKind {
  if (/Secret "kubeadm-certs" was not found|This Secret might have expired|error decoding secret data with provided key|message authentication failed/.test(output)) {
    return FailureTypes.certificateKeyExpired;
  }
  if (/could not find a JWS signature in the cluster-info ConfigMap for token ID|token id "[a-z0-9]+" is invalid|failed to get cluster-info ConfigMap.*Unauthorized/.test(output)) {
    return FailureTypes.joinTokenExpired;
  }
  // Both fail the same way on every retry: fatal preflight checks, and a control plane joining without
  // a certificate key whose shared certificates are not on disk (kubeadm's checkIfReadyForAdditionalControlPlane).
  if (/\[preflight\] Some fatal errors occurred|One or more conditions for hosting a new control plane instance is not satisfied/.test(output)) return FailureTypes.preflight;
  return FailureTypes.remoteCommand;
}

/** The `[ERROR X]: ...` lines of a failed kubeadm preflight. */
export function preflightErrors(output: string): string[] {
  return [...output.matchAll(/\[ERROR ([^\]]+)\]: ([^\n]*)/g)].map((m) => `[${m[1]}] ${m[2]}`);
}
