/** The rejoin's part of the activity contract (KubehaActivities extends it). Workflows import these types only. */
import type { HostSpec } from '../spec/types';
import type { HostStepInput } from './types';

/** What the rejoin sees of the node's host before it acts. */
export interface RejoinHostFacts {
  /** The host answered SSH (connection refused or no route: false). */
  reachable: boolean;
  /** It has a kubelet.conf: a kubelet that still runs as a node (then it is drained first). */
  runsAsNode: boolean;
}

/** Run on `host`, a healthy control plane: remove `target` from the cluster. */
export interface RemoveFromClusterInput extends HostStepInput {
  target: HostSpec;
  as: 'control-plane' | 'worker';
}

export interface RemoveFromClusterResult {
  /** etcd member ids (hex) removed; empty when none was left (or not a stacked control plane). */
  removedMemberIds: string[];
}

export interface ResetHostResult {
  /** False when the host was unreachable and nothing was reset. */
  reset: boolean;
}

export interface RejoinActivities {
  /** Whether the node's host answers SSH and still runs as a node; a timeout is retried (it may be frozen). */
  rejoinHostFacts(input: HostStepInput): Promise<RejoinHostFacts>;
  /** On a healthy control plane: removes the target's etcd member (stacked control plane) and its Node; idempotent. The workflow checks quorum first. */
  removeFromCluster(input: RemoveFromClusterInput): Promise<RemoveFromClusterResult>;
  /** `kubeadm reset -f` plus the cleanup it leaves (CNI config, root kubeconfig) when the host answers. */
  resetHost(input: HostStepInput): Promise<ResetHostResult>;
}
