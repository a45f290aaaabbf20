/**
 * Removing a node from the cluster through another control plane: its stacked etcd member (by
 * peer URL), then its Node. Shared by rejoin/replace (`removeFromCluster`) and reset (`forgetForReset`).
 */
import { forgetNode } from '../remote/kubeadm';
import { joinHostPort } from '../spec/hosts';
import type { HostSpec } from '../spec/types';
import type { ActivityDeps } from './deps';
import { failure } from './failures';
import { hasStackedEtcd, localApiUrl, localEtcd } from './kubeadm-state';
import { hostStep } from './step';
import { FailureTypes, type ClusterSettings } from './types';

/** `etcd members removed: <id> <id>` or `none`, as forgetNode prints it. */
export function parseRemovedMemberIds(stdout: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith('etcd members removed: '));
  const ids = line?.slice('etcd members removed: '.length).trim() ?? 'none';
  return ids === 'none' || ids === '' ? [] : ids.split(/\s+/);
}

export interface ForgetThrough {
  cluster: ClusterSettings;
  /** The control plane acting. */
  host: HostSpec;
  target: HostSpec;
  as: 'control-plane' | 'worker';
}

/** Idempotent: a member or Node already gone is not an error. The etcd member ids (hex) removed. */
export async function forgetNodeThrough(deps: ActivityDeps, { cluster, host, target, as }: ForgetThrough, stepName: string): Promise<{ removedMemberIds: string[] }> {
  if (target.name === host.name) throw failure(FailureTypes.invalidSpec, `${host.name}: a node cannot be removed through itself`);
  const step = hostStep(deps, host, stepName);
  const withEtcd = as === 'control-plane' && hasStackedEtcd(cluster);
  const script = forgetNode.render({
    node: target.name,
    peerUrl: `https://${joinHostPort(target.address, 2380)}`,
    server: localApiUrl(cluster, host),
    ...(withEtcd ? { etcd: localEtcd(host) } : {}),
  });
  const { stdout } = await step.runChecked(script, { timeoutMs: 2 * 60_000 });
  const removedMemberIds = withEtcd ? parseRemovedMemberIds(stdout) : [];
  step.log(`${target.name}: ${withEtcd ? `etcd members removed: ${removedMemberIds.join(' ') || 'none'}; ` : ''}Node deleted (or already gone)`);
  return { removedMemberIds };
}
