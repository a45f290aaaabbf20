import { UsageError } from '../../src/client/errors';
import type { LabHost, LabLoadBalancer } from '../layout';

export interface LabPlanInput {
  controlPlanes: number;
  workers: number;
  loadBalancer: LabLoadBalancer;
  /** First three octets of the lab's loopback addresses, e.g. `127.0.0`. */
  addressPrefix: string;
  /** Members of an external etcd cluster, hosts `etcd1`… after the Kubernetes nodes (default 0: stacked etcd). */
  etcdMembers?: number;
}

export interface LabPlan {
  vip: string;
  hosts: LabHost[];
}

/** Loopback octets: the load-balancer host is .9, the VIP .10, hosts from .11 upward. */
const LB_OCTET = 9;
const VIP_OCTET = 10;
const FIRST_HOST_OCTET = 11;
const LAST_OCTET = 254;

export function planLabHosts(input: LabPlanInput): LabPlan {
  const { controlPlanes, workers, loadBalancer, addressPrefix, etcdMembers = 0 } = input;
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(addressPrefix)) {
    throw new UsageError(`address prefix "${addressPrefix}" must be three loopback octets like 127.0.0`);
  }
  if (!Number.isInteger(controlPlanes) || controlPlanes < 1) {
    throw new UsageError(`control planes must be a whole number >= 1 (got ${controlPlanes})`);
  }
  if (!Number.isInteger(workers) || workers < 0) {
    throw new UsageError(`workers must be a whole number >= 0 (got ${workers})`);
  }
  if (!Number.isInteger(etcdMembers) || etcdMembers < 0) {
    throw new UsageError(`external etcd members must be a whole number >= 0 (got ${etcdMembers})`);
  }
  const hosts: LabHost[] = [];
  if (loadBalancer === 'haproxy') {
    hosts.push({ name: 'lb1', address: `${addressPrefix}.${LB_OCTET}`, role: 'load-balancer' });
  }
  const [a, b] = addressPrefix.split('.').slice(1).map(Number) as [number, number];
  let index = 0;
  const next = (): string => {
    // Beyond .254 the lab continues in the next third octet (127.0.1.x ...), skipping .0 and .255.
    const flat = FIRST_HOST_OCTET + index++;
    const span = LAST_OCTET; // usable octets 1..254 after the first block
    if (flat <= LAST_OCTET) return `127.${a}.${b}.${flat}`;
    const over = flat - LAST_OCTET - 1;
    const third = b + 1 + Math.floor(over / span);
    if (third > 255) throw new UsageError('too many lab hosts for the loopback range');
    return `127.${a}.${third}.${(over % span) + 1}`;
  };
  for (let i = 1; i <= controlPlanes; i++) hosts.push({ name: `cp${i}`, address: next(), role: 'control-plane' });
  for (let i = 1; i <= workers; i++) hosts.push({ name: `w${i}`, address: next(), role: 'worker' });
  for (let i = 1; i <= etcdMembers; i++) hosts.push({ name: `etcd${i}`, address: next(), role: 'etcd' });
  return { vip: `${addressPrefix}.${VIP_OCTET}`, hosts };
}
