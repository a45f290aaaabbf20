import { planOperation } from '../../plan/operation';
import { controlPlanes, loadBalancers, workers } from '../../spec/hosts';
import type { ClusterSpec } from '../../spec/types';
import type { PlannedResetPhase, ResetRequestPlan } from './context';
import { RESET_PHASES } from './phases';

/** The phases a reset runs for this cluster, each bound to its description. */
export function planReset(request: ResetRequestPlan): PlannedResetPhase[] {
  return planOperation(RESET_PHASES, request);
}

/** What the reset destroys, host by host: shown with the `before-reset` gate. */
export function describeDestruction(spec: ClusterSpec): string {
  const lines = [`kubeha reset destroys cluster ${spec.name} (${spec.kubernetesVersion}, endpoint ${spec.controlPlaneEndpoint}):`];
  for (const h of workers(spec)) lines.push(`  ${h.name} (${h.address}) worker: drained, Node deleted, kubeadm reset -f`);
  const [first, ...rest] = controlPlanes(spec);
  const stacked = spec.etcd.topology === 'stacked';
  for (const h of rest) lines.push(`  ${h.name} (${h.address}) control plane: ${stacked ? 'etcd member removed, ' : ''}Node deleted, kubeadm reset -f`);
  if (first) lines.push(`  ${first.name} (${first.address}) control plane, last: kubeadm reset -f${stacked ? ' (the etcd data, and with it every Kubernetes object, is deleted)' : ''}`);
  lines.push('  on each: /etc/cni/net.d, /root/.kube/config, /etc/kubeha and /var/lib/kubeha/runs removed; iptables/IPVS rules left as they are');
  for (const h of loadBalancers(spec)) lines.push(`  ${h.name} (${h.address}) load balancer: left running (a new bring-up of the same spec rewrites its configuration)`);
  if (spec.etcd.topology === 'external') lines.push('  the external etcd cluster is not touched: clear its /registry keys before a new bring-up');
  return lines.join('\n');
}
