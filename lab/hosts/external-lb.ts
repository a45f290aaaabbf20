import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { EnvironmentError } from '../../src/client/errors';
import type { LabConfig } from '../layout';
import { isDead, killUntilGone } from './processes';

/** `--lb external`: the lab itself runs a real HAProxy on the VIP, outside every host. */
export function externalLbPaths(labDir: string) {
  const dir = path.join(labDir, 'external-lb');
  return { dir, config: path.join(dir, 'haproxy.cfg'), pid: path.join(dir, 'haproxy.pid'), log: path.join(dir, 'haproxy.log') };
}

/**
 * The kubeadm HA guide's haproxy.cfg, bound to the VIP, one server per control plane. With
 * `loadBalancerHealthChecks: false` a naive one instead: no health checks and no retries or
 * redispatch, so a stopped API server keeps its share of the connections (they fail).
 */
export function renderExternalHaproxyConfig(config: LabConfig): string {
  if (config.loadBalancerHealthChecks === false) return renderNaiveHaproxyConfig(config);
  const servers = config.hosts
    .filter((h) => h.role === 'control-plane')
    .map((h) => `    server ${h.name} ${h.address}:${config.apiServerPort} check verify none`);
  return [
    'global',
    '    log stderr format raw local0 warning',
    '    maxconn 4096',
    'defaults',
    '    mode tcp',
    '    log global',
    '    option tcplog',
    '    retries 1',
    '    option redispatch',
    '    timeout connect 2s',
    '    timeout client 60s',
    '    timeout server 60s',
    '    timeout check 1s',
    'frontend apiserver',
    `    bind ${config.vip}:${config.apiServerPort}`,
    '    default_backend apiserverbackend',
    'backend apiserverbackend',
    '    option httpchk',
    '    http-check connect ssl',
    '    http-check send meth GET uri /healthz',
    '    http-check expect status 200',
    '    balance roundrobin',
    '    default-server inter 500ms fall 2 rise 1',
    ...servers,
    '',
  ].join('\n');
}

function renderNaiveHaproxyConfig(config: LabConfig): string {
  const servers = config.hosts.filter((h) => h.role === 'control-plane').map((h) => `    server ${h.name} ${h.address}:${config.apiServerPort}`);
  return [
    'global',
    '    log stderr format raw local0 warning',
    '    maxconn 4096',
    'defaults',
    '    mode tcp',
    '    log global',
    '    option tcplog',
    '    retries 0',
    '    timeout connect 2s',
    '    timeout client 60s',
    '    timeout server 60s',
    'frontend apiserver',
    `    bind ${config.vip}:${config.apiServerPort}`,
    '    default_backend apiserverbackend',
    'backend apiserverbackend',
    '    balance roundrobin',
    ...servers,
    '',
  ].join('\n');
}

export async function startExternalLb(config: LabConfig): Promise<number> {
  const paths = externalLbPaths(config.dir);
  await mkdir(paths.dir, { recursive: true });
  await writeFile(paths.config, renderExternalHaproxyConfig(config));
  const result = spawnSync('/usr/sbin/haproxy', ['-D', '-f', paths.config, '-p', paths.pid], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new EnvironmentError(
      `external load balancer: haproxy failed to start: ${(result.stderr || String(result.error)).trim()}`,
      `Check ${paths.config}; is ${config.vip}:${config.apiServerPort} already in use?`,
    );
  }
  const pid = externalLbPid(config.dir);
  if (pid === undefined) throw new EnvironmentError(`external load balancer: haproxy wrote no pid file ${paths.pid}`);
  return pid;
}

/** The running HAProxy of this lab, if its pid file names a live haproxy using our config. */
export function externalLbPid(labDir: string): number | undefined {
  const paths = externalLbPaths(labDir);
  if (!existsSync(paths.pid)) return undefined;
  const pid = Number(readFileSync(paths.pid, 'utf8').trim().split('\n')[0]);
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(paths.config) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function stopExternalLb(labDir: string): Promise<void> {
  const pid = externalLbPid(labDir);
  if (pid === undefined) return;
  await killUntilGone(() => (isDead(pid) ? [] : [pid]), 5_000);
}
