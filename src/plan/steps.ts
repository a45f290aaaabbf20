import { controlPlanes, firstControlPlane, loadBalancers, workers } from '../spec/hosts';
import type { ApprovalGate, ClusterSpec } from '../spec/types';
import { minorOf } from '../spec/version';
import type { StepId } from '../shared/messages';

/**
 * The ordered steps of a bring-up, as the bring-up workflow runs them. Pure and deterministic
 * (no Node APIs), so workflow code may import it.
 */

/** The same ids the bring-up workflow reports progress under, so `plan` and `status` agree. */
export type { StepId };

export type StepMode = { kind: 'serial' } | { kind: 'parallel'; limit?: number };

export interface PlanStep {
  id: StepId;
  title: string;
  /** Host names, in the order the step takes them. Empty for gates. */
  hosts: string[];
  mode: StepMode;
  /** Present on approval steps: the bring-up waits for this gate to be approved. */
  gate?: ApprovalGate;
}

const serial: StepMode = { kind: 'serial' };

export function planSteps(spec: ClusterSpec): PlanStep[] {
  const first = firstControlPlane(spec);
  const cps = controlPlanes(spec);
  const joiningCps = cps.filter((h) => h.name !== first.name).map((h) => h.name);
  const workerNames = workers(spec).map((h) => h.name);
  const steps: PlanStep[] = [
    { id: 'preflight', title: `Preflight checks${spec.preflight.fix ? ' (fixing what can be fixed)' : ''}`, hosts: spec.hosts.map((h) => h.name), mode: { kind: 'parallel' } },
  ];
  const lb = spec.loadBalancer;
  if (lb.type === 'haproxy-keepalived') {
    steps.push({ id: 'load-balancer', title: `Configure HAProxy + keepalived for VIP ${lb.vip}:${lb.port}`, hosts: loadBalancers(spec).map((h) => h.name), mode: { kind: 'parallel' } });
  } else if (lb.type === 'kube-vip') {
    steps.push({ id: 'load-balancer', title: `Install the kube-vip static pod for VIP ${lb.vip}:${lb.port}`, hosts: [first.name], mode: serial });
  }
  steps.push({
    id: 'probe-load-balancer',
    title: `Connect to ${spec.controlPlaneEndpoint} (expect "connection refused" until an API server is up, not a timeout)`,
    hosts: [first.name],
    mode: serial,
  });
  if (spec.approvals.includes('before-init')) {
    steps.push({ id: 'approve-before-init', title: 'Wait for approval: before-init', hosts: [], mode: serial, gate: 'before-init' });
  }
  const kubeVipSwitch = lb.type === 'kube-vip' && minorOf(spec.kubernetesVersion) >= 29 ? '; then kube-vip moves from super-admin.conf to admin.conf' : '';
  steps.push({ id: 'init', title: `kubeadm init on ${first.name} (uploads certificates, mints a join token${kubeVipSwitch})`, hosts: [first.name], mode: serial });
  steps.push({ id: 'cni', title: `Apply the ${spec.networking.cni} CNI and wait for ${first.name} to be Ready`, hosts: [first.name], mode: serial });
  if (joiningCps.length > 0) {
    const how = spec.controlPlaneJoins === 'serial' ? (spec.etcd.topology === 'external' ? 'one at a time (external etcd)' : 'one at a time') : 'in parallel';
    steps.push({
      id: 'join-control-planes',
      title: `Join ${count(joiningCps.length, 'control plane')} ${how}${lb.type === 'kube-vip' ? ', each with its kube-vip static pod' : ''}`,
      hosts: joiningCps,
      mode: spec.controlPlaneJoins === 'serial' ? serial : { kind: 'parallel' },
    });
  }
  steps.push({
    id: 'verify-etcd',
    title: spec.etcd.topology === 'external' ? 'Check the external etcd endpoints are healthy' : `Check etcd has ${count(cps.length, 'healthy started member')} and a leader`,
    hosts: [first.name],
    mode: serial,
  });
  if (workerNames.length > 0) {
    if (spec.approvals.includes('before-workers')) {
      steps.push({ id: 'approve-before-workers', title: 'Wait for approval: before-workers', hosts: [], mode: serial, gate: 'before-workers' });
    }
    const limit = Math.min(spec.workers.maxConcurrentJoins, workerNames.length);
    steps.push({
      id: 'join-workers',
      title: `Join ${count(workerNames.length, 'worker')}, at most ${limit} at a time (a worker that keeps failing is reported, not fatal)`,
      hosts: workerNames,
      mode: limit === 1 ? serial : { kind: 'parallel', limit },
    });
  }
  steps.push({ id: 'verify-cluster', title: `Verify every node is Ready and the control-plane pods run (from ${first.name})`, hosts: [first.name], mode: serial });
  return steps;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
