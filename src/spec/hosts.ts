import type { ClusterSettings } from '../activities/types';
import type { ClusterSpec, HostSpec } from './types';

/** Pure helpers over a normalized spec; safe to import from workflow code. */

export function controlPlanes(spec: Pick<ClusterSpec, 'hosts'>): HostSpec[] {
  return spec.hosts.filter((h) => h.role === 'control-plane');
}

export function workers(spec: Pick<ClusterSpec, 'hosts'>): HostSpec[] {
  return spec.hosts.filter((h) => h.role === 'worker');
}

export function loadBalancers(spec: Pick<ClusterSpec, 'hosts'>): HostSpec[] {
  return spec.hosts.filter((h) => h.role === 'load-balancer');
}

/** The control plane that runs `kubeadm init`: the first one listed. */
export function firstControlPlane(spec: Pick<ClusterSpec, 'hosts'>): HostSpec {
  const first = controlPlanes(spec)[0];
  if (!first) throw new Error('spec has no control plane (validation should have rejected it)');
  return first;
}

export function clusterSettings(spec: ClusterSpec): ClusterSettings {
  const { hosts: _hosts, ...rest } = spec;
  return { ...rest, controlPlanes: controlPlanes(spec) };
}

export interface Endpoint {
  host: string;
  port: number;
}

/** Splits `host:port` or `[v6]:port`. Returns undefined when the text has no valid port. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]) as string, port };
}

export function endpointOf(spec: Pick<ClusterSpec, 'controlPlaneEndpoint'>): Endpoint {
  const endpoint = parseEndpoint(spec.controlPlaneEndpoint);
  if (!endpoint) throw new Error(`invalid controlPlaneEndpoint ${spec.controlPlaneEndpoint} (validation should have rejected it)`);
  return endpoint;
}

/** `host:port`, bracketing IPv6 literals. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
