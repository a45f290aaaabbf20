import type { ClusterSettings } from '../activities/types';
import type { HostSpec } from '../spec/types';

/**
 * What the renderers read: the cluster settings activities receive (no host list, the control
 * planes only), so an activity can render its files from its own input.
 */
export type RenderCluster = ClusterSettings;

export function initHost(cluster: RenderCluster): HostSpec {
  const first = cluster.controlPlanes[0];
  if (!first) throw new Error('cluster has no control plane (validation should have rejected it)');
  return first;
}
