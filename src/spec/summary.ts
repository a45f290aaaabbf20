import { copiesCertificates } from './certificate-distribution';
import { controlPlanes, loadBalancers, workers } from './hosts';
import type { ClusterSpec } from './types';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `3 control planes, 1 worker, kube-vip` */
export function summarizeSpec(spec: ClusterSpec): string {
  const parts = [plural(controlPlanes(spec).length, 'control plane'), plural(workers(spec).length, 'worker')];
  const lbs = loadBalancers(spec).length;
  if (lbs > 0) parts.push(plural(lbs, 'load balancer'));
  parts.push(spec.loadBalancer.type);
  if (spec.etcd.topology === 'external') parts.push('external etcd');
  if (copiesCertificates(spec)) parts.push('certificates copied over SSH');
  return parts.join(', ');
}
