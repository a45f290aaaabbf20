/** The reset's part of the activity contract (KubehaActivities extends it). Workflows import these types only. */
import type { HostSpec } from '../spec/types';
import type { HostStepInput } from './types';

/** What is left of the cluster on one host. */
export interface ResetHostFacts {
  /** Nothing left: no kubeconfig in /etc/kubernetes, no static Pod manifest, no etcd data, kubelet not running. */
  clean: boolean;
  kubeletConf: boolean;
  /** `*.conf` files in /etc/kubernetes (admin.conf, kubelet.conf, …). */
  confs: number;
  manifests: number;
  etcdData: boolean;
  /** `systemctl is-active kubelet`. */
  kubelet: string;
}

/** Run on `host` (the first control plane): remove `target`'s etcd member (stacked control plane) and its Node. */
export interface ForgetForResetInput extends HostStepInput {
  target: HostSpec;
  as: 'control-plane' | 'worker';
}

export interface ForgetForResetResult {
  /** etcd member ids (hex) removed; empty when none was left (or not a stacked control plane). */
  removedMemberIds: string[];
}

export interface ResetNodeResult {
  /** `kubeadm reset -f` ran; false when the host was found already reset (only the cleanup ran). */
  kubeadmReset: boolean;
}

export interface ResetActivities {
  /** What is left of the cluster on the host; an unreachable host is an error (retried). */
  resetHostFacts(input: HostStepInput): Promise<ResetHostFacts>;
  /** On the first control plane: removes the target's etcd member (stacked) and its Node; idempotent. */
  forgetForReset(input: ForgetForResetInput): Promise<ForgetForResetResult>;
  /** `kubeadm reset -f` unless already reset, then the cleanup it leaves and kubeha's own files; checked clean afterwards. */
  resetNode(input: HostStepInput): Promise<ResetNodeResult>;
}
