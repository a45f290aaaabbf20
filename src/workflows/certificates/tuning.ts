import type { CertificatesTuning } from '../../shared/operations';

export const DEFAULT_CERTIFICATES_TUNING: CertificatesTuning = {
  retryInitialIntervalMs: 2_000,
  // kubeadm's docs: the kubelet notices a removed or returned manifest within fileCheckFrequency (20 s) each way.
  restartTimeoutMs: 3 * 60_000,
};

export function resolveCertificatesTuning(partial: Partial<CertificatesTuning> | undefined): CertificatesTuning {
  return { ...DEFAULT_CERTIFICATES_TUNING, ...partial };
}
