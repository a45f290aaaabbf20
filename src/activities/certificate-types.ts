/** The certificate operation's activities (facts, renewal, static-Pod restart), part of KubehaActivities. */
import type { HostCertificates } from '../shared/operations';
import type { HostStepInput } from './types';

/** What one control plane says about its certificates; `renewed` is the workflow's to set. */
export type CertificateFacts = Omit<HostCertificates, 'renewed'> & {
  /** The local API server answered /readyz with the cluster CA. */
  ready: boolean;
};

export interface RenewCertificatesInput extends HostStepInput {
  /** Renew only while some certificate expires within this many days (a retry after a renewal finds none). */
  withinDays: number;
}

export interface CertificateActivities {
  /** `kubeadm certs check-expiration`, the kubelet client certificate and rotation setting, what the local API server serves. */
  certificateFacts(input: HostStepInput): Promise<CertificateFacts>;
  /** `kubeadm certs renew all` when some certificate is within the threshold; the renewed names and kubeadm's output. */
  renewCertificates(input: RenewCertificatesInput): Promise<{ renewed: boolean; output: string }>;
  /** kubeadm's static-Pod restart: control-plane manifests out of /etc/kubernetes/manifests until kube-apiserver stopped, then back. */
  restartControlPlanePods(input: HostStepInput & { timeoutMs: number }): Promise<{ changed: boolean }>;
}
