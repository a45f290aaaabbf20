/**
 * kubeha replace's rules over the recorded spec: which new addresses a node can move to, and the
 * spec after the move. Pure (workflow code and the cluster workflow's validator use them).
 */
import ipaddr from 'ipaddr.js';
import { endpointOf } from '../../spec/hosts';
import { PATTERNS } from '../../spec/patterns';
import { isIp } from '../../spec/addresses';
import type { ClusterSpec } from '../../spec/types';

const same = (a: string, b: string): boolean => (isIp(a) && isIp(b) ? ipaddr.parse(a).toNormalizedString() === ipaddr.parse(b).toNormalizedString() : a.toLowerCase() === b.toLowerCase());

/** Why `node` cannot move to `address`, or undefined. The node itself is checked by rejoinTargetProblem. */
export function replacementAddressProblem(spec: Pick<ClusterSpec, 'name' | 'hosts' | 'loadBalancer' | 'controlPlaneEndpoint'>, node: string, address: string): string | undefined {
  // All digits and dots is a mistyped IPv4 address, never a DNS name (a top-level domain is not numeric).
  if (!(isIp(address) || (PATTERNS.dnsName.test(address) && !/^[\d.]+$/.test(address)))) return `${JSON.stringify(address)} is not an IP address or DNS name`;
  const current = spec.hosts.find((h) => h.name === node);
  if (current && same(current.address, address)) {
    return `${address} is ${node}'s recorded address: to join the same host again use kubeha rejoin ${spec.name} ${node}`;
  }
  const other = spec.hosts.find((h) => h.name !== node && same(h.address, address));
  if (other) return `${address} is already the address of ${other.name} (${other.role}) in cluster ${spec.name}`;
  if (spec.loadBalancer.type !== 'external' && same(spec.loadBalancer.vip, address)) return `${address} is the cluster's VIP, not a host`;
  const endpoint = endpointOf(spec);
  if (same(endpoint.host, address)) return `${address} is the cluster's controlPlaneEndpoint host, not a host`;
  return undefined;
}

/** The spec with `node` at `address`: what the record keeps after the replace and what the new host is rendered from. */
export function withNodeAddress(spec: ClusterSpec, node: string, address: string): ClusterSpec {
  return { ...spec, hosts: spec.hosts.map((h) => (h.name === node ? { ...h, address } : h)) };
}
