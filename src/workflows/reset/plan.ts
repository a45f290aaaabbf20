import { planOperation } from '../../plan/operation';
import { loadBalancers } from '../../spec/hosts';
import type { ClusterSpec } from '../../spec/types';
import type { PlannedResetPhase, ResetRequestPlan, ResetStep } from './context';
import { RESET_PHASES } from './phases';

/** The phases a reset runs for this cluster, each bound to its description. */
export function planReset(request: ResetRequestPlan): PlannedResetPhase[] {
  return planOperation(RESET_PHASES, request);
}

/** What one host loses, by the step that takes it. */
function destroys(step: ResetStep, stacked: boolean): string {
  switch (step.id) {
    case 'reset-workers':
      return 'worker: drained, Node deleted, kubeadm reset -f';
    case 'reset-control-planes':
      return `control plane: ${stacked ? 'etcd member removed, ' : ''}Node deleted, kubeadm reset -f`;
    case 'reset-first-control-plane':
      return `control plane, last: kubeadm reset -f${stacked ? ' (the etcd data, and with it every Kubernetes object, is deleted)' : ''}`;
    default:
      return '';
  }
}

/** What the reset destroys, host by host in the order its steps take them: shown with the `before-reset` gate. */
export function describeDestruction(spec: ClusterSpec, steps: readonly ResetStep[]): string {
  const lines = [`kubeha reset destroys cluster ${spec.name} (${spec.kubernetesVersion}, endpoint ${spec.controlPlaneEndpoint}):`];
  const stacked = spec.etcd.topology === 'stacked';
  for (const step of steps) for (const h of step.hosts) lines.push(`  ${h.name} (${h.address}) ${destroys(step, stacked)}`);
  lines.push('  on each: /etc/cni/net.d, /root/.kube/config, /etc/kubeha, /var/lib/kubeha (run records, parked manifests) and held-back manifests removed; iptables/IPVS rules left as they are');
  for (const h of loadBalancers(spec)) lines.push(`  ${h.name} (${h.address}) load balancer: left running (a new bring-up of the same spec rewrites its configuration)`);
  if (spec.etcd.topology === 'external') lines.push('  the external etcd cluster is not touched: clear its /registry keys before a new bring-up');
  return lines.join('\n');
}
