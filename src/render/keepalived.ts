import { q } from '../ssh/quote';
import { joinHostPort } from '../spec/hosts';
import type { HostSpec } from '../spec/types';
import { assertClusterName, assertInteger, assertInterface, assertIp, assertNodeName, assertOneOf, assertPort } from './assert';
import type { RenderCluster } from './cluster';
import { haproxyLoadBalancer } from './haproxy';

export const CHECK_SCRIPT_PATH = '/etc/keepalived/check_apiserver.sh';

export interface VrrpRole {
  state: 'MASTER' | 'BACKUP';
  priority: number;
}

/**
 * Without the list of load-balancer hosts every instance starts as BACKUP with one priority;
 * VRRP then elects the host with the highest primary IP, which is as stable.
 */
export const EQUAL_BACKUP: VrrpRole = { state: 'BACKUP', priority: 100 };

/** The first load-balancer host starts as MASTER with the highest priority; the others back it up. */
export function vrrpRole(loadBalancerHosts: HostSpec[], host: HostSpec): VrrpRole {
  const index = loadBalancerHosts.findIndex((h) => h.name === host.name);
  if (index < 0) throw new Error(`${host.name} is not a load-balancer host`);
  return index === 0 ? { state: 'MASTER', priority: 101 } : { state: 'BACKUP', priority: Math.max(1, 100 - index) };
}

/** keepalived.conf for one load-balancer host, after kubeadm's "HA considerations". */
export function renderKeepalivedConf(cluster: RenderCluster, host: HostSpec, role: VrrpRole): string {
  const lb = haproxyLoadBalancer(cluster);
  const name = assertClusterName('cluster name', cluster.name);
  const routerId = assertNodeName('load-balancer host name', host.name);
  const state = assertOneOf('VRRP state', role.state, ['MASTER', 'BACKUP'] as const);
  const priority = assertInteger('VRRP priority', role.priority, 1, 254);
  const iface = assertInterface('loadBalancer.interface', lb.interface);
  const virtualRouterId = assertInteger('loadBalancer.virtualRouterId', lb.virtualRouterId, 1, 255);
  const vip = assertIp('loadBalancer.vip', lb.vip);
  return [
    `! Rendered by kubeha for cluster ${name} on ${routerId}. Do not edit: re-run kubeha.`,
    'global_defs {',
    `    router_id ${routerId}`,
    '    enable_script_security',
    '    script_user root',
    '}',
    'vrrp_script check_apiserver {',
    `    script "${CHECK_SCRIPT_PATH}"`,
    '    interval 3',
    '    weight -2',
    '    fall 10',
    '    rise 2',
    '}',
    '',
    'vrrp_instance VI_1 {',
    `    state ${state}`,
    `    interface ${iface}`,
    `    virtual_router_id ${virtualRouterId}`,
    `    priority ${priority}`,
    '    advert_int 1',
    '    virtual_ipaddress {',
    `        ${vip}`,
    '    }',
    '    track_script {',
    '        check_apiserver',
    '    }',
    '}',
    '',
  ].join('\n');
}

/**
 * The health check keepalived runs as root every few seconds: the API server answers through
 * HAProxy on the VIP while this host holds it. Values enter the script only as single-quoted
 * assignments; the logic reads them from variables.
 */
export function renderCheckApiserverScript(cluster: RenderCluster): string {
  const lb = haproxyLoadBalancer(cluster);
  const name = assertClusterName('cluster name', cluster.name);
  const vip = assertIp('loadBalancer.vip', lb.vip);
  const port = assertPort('loadBalancer.port', lb.port);
  return [
    '#!/bin/sh',
    `# Rendered by kubeha for cluster ${name}.`,
    '',
    `vip=${q(vip)}`,
    `url=${q(`https://${joinHostPort(vip, port)}/healthz`)}`,
    '',
    'errorExit() {',
    '    echo "*** $*" 1>&2',
    '    exit 1',
    '}',
    '',
    'if ip addr | grep -q -F " $vip/"; then',
    '    curl -sfk --max-time 2 "$url" -o /dev/null || errorExit "Error GET $url"',
    'fi',
    '',
  ].join('\n');
}
