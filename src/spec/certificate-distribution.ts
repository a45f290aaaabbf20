import type { ClusterSpec } from './types';

/** The control planes get the shared CA material copied over SSH instead of kubeadm's `--upload-certs`. Pure: workflow code uses it. */
export function copiesCertificates(spec: Pick<ClusterSpec, 'certificateDistribution'>): boolean {
  return spec.certificateDistribution === 'manual';
}
