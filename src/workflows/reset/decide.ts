import type { ResetHostFacts } from '../../activities/reset-types';

/** What one host's teardown does before its `kubeadm reset -f`. */
export interface HostResetDecision {
  /** Drain the worker through the first control plane (best effort). */
  drain: boolean;
  /** Remove its etcd member (stacked control plane) and its Node through the first control plane. */
  forget: boolean;
}

/**
 * Judges one host from what is left on it and on the first control plane. A host found clean
 * (reset by an earlier attempt, or wiped) may still be an etcd member and a Node: it is forgotten
 * as long as the first control plane still has the cluster, or the next member's removal could
 * cost quorum. Once the first control plane is reset there is nothing to remove it through, and
 * nothing left to remove it from.
 */
export function decideHostReset(input: { isFirst: boolean; role: 'control-plane' | 'worker'; host: Pick<ResetHostFacts, 'clean'>; first?: Pick<ResetHostFacts, 'clean'> }): HostResetDecision {
  if (input.isFirst) return { drain: false, forget: false };
  const clusterThere = input.first !== undefined && !input.first.clean;
  return { drain: clusterThere && input.role === 'worker' && !input.host.clean, forget: clusterThere };
}
