import { joinHostPort } from '../spec/hosts';
import { assertClusterName, assertHost, assertIp, assertNodeName, assertPort } from './assert';
import type { RenderCluster } from './cluster';
import { apiServerBindPort } from './kubeadm-init';

export type HaproxyLoadBalancer = Extract<RenderCluster['loadBalancer'], { type: 'haproxy-keepalived' }>;

export function haproxyLoadBalancer(cluster: RenderCluster): HaproxyLoadBalancer {
  if (cluster.loadBalancer.type !== 'haproxy-keepalived') throw new Error(`loadBalancer type is ${cluster.loadBalancer.type}, not haproxy-keepalived`);
  return cluster.loadBalancer;
}

/**
 * haproxy.cfg after kubeadm's "HA considerations": TCP pass-through, TLS health check of
 * /healthz on every API server. The frontend binds the VIP only, never `*`, so it can share a
 * machine (or a loopback network in the lab) with API servers on the same port.
 */
export function renderHaproxyCfg(cluster: RenderCluster): string {
  const lb = haproxyLoadBalancer(cluster);
  const name = assertClusterName('cluster name', cluster.name);
  const vip = assertIp('loadBalancer.vip', lb.vip);
  const port = assertPort('loadBalancer.port', lb.port);
  const backendPort = assertPort('API server port', apiServerBindPort(cluster));
  const servers = cluster.controlPlanes.map((h) => {
    const server = assertNodeName('control-plane name', h.name);
    const address = assertHost(`address of ${server}`, h.address);
    return `    server ${server} ${joinHostPort(address, backendPort)} check verify none fall 3 rise 2`;
  });
  return [
    `# Rendered by kubeha for cluster ${name}. Do not edit: re-run kubeha.`,
    'global',
    '    log stdout format raw local0',
    '    daemon',
    '',
    'defaults',
    '    mode                    tcp',
    '    log                     global',
    '    option                  tcplog',
    '    option                  dontlognull',
    '    option                  redispatch',
    '    retries                 1',
    '    timeout connect         5s',
    '    timeout client          35s',
    '    timeout server          35s',
    '    timeout check           10s',
    '',
    'frontend apiserver',
    `    bind ${joinHostPort(vip, port)}`,
    '    mode tcp',
    '    option tcplog',
    '    default_backend apiserverbackend',
    '',
    'backend apiserverbackend',
    '    option httpchk',
    '    http-check connect ssl',
    '    http-check send meth GET uri /healthz',
    '    http-check expect status 200',
    '    mode tcp',
    '    balance roundrobin',
    ...servers,
    '',
  ].join('\n');
}
