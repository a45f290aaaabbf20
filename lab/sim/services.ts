/**
 * The systemd units a simulated host has: kubelet (the simulated daemon), containerd (a socket
 * holder), haproxy (the REAL /usr/sbin/haproxy) and keepalived (bookkeeping only).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostPath } from './context';
import { logFile, runningPid, simScript, startDaemon, stopDaemon } from './daemons';
import { kubeletLoop } from './kubelet/agent';
import { startHostedKubelet } from './kubelet/hosted';
import { readNodeState, updateNodeState } from './node-state';
import { createSocketFile } from './socket-file';

export const UNITS = ['kubelet', 'containerd', 'haproxy', 'keepalived'] as const;
export type Unit = (typeof UNITS)[number];

export const CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
const KEEPALIVED_FLAG = '/run/kubeha-lab/keepalived.active';

export function unitOf(name: string): Unit | undefined {
  const bare = name.replace(/\.service$/, '');
  return (UNITS as readonly string[]).includes(bare) ? (bare as Unit) : undefined;
}

export function isActive(unit: Unit): boolean {
  switch (unit) {
    case 'kubelet':
    case 'haproxy':
      return runningPid(unit) !== undefined;
    case 'containerd':
      return existsSync(hostPath(CONTAINERD_SOCKET));
    case 'keepalived':
      return existsSync(hostPath(KEEPALIVED_FLAG));
  }
}

export function isEnabled(unit: Unit): boolean {
  return readNodeState().enabledUnits.includes(unit);
}

export function setEnabled(unit: Unit, enabled: boolean): void {
  updateNodeState((s) => {
    s.enabledUnits = s.enabledUnits.filter((u) => u !== unit);
    if (enabled) s.enabledUnits.push(unit);
  });
}

export class UnitStartError extends Error {}

export function startUnit(unit: Unit): void {
  if (isActive(unit)) return;
  switch (unit) {
    case 'kubelet':
      // In the lab's simulator server a loop of the server; run as a process, a process of its own.
      if (startHostedKubelet(kubeletLoop) === undefined) startDaemon('kubelet', process.execPath, [simScript('kubelet')]);
      return;
    case 'containerd':
      createSocketFile(hostPath(CONTAINERD_SOCKET));
      return;
    case 'keepalived':
      mkdirSync(hostPath('/run/kubeha-lab'), { recursive: true });
      writeFileSync(hostPath(KEEPALIVED_FLAG), 'simulated keepalived: VIP bookkeeping only, no VRRP\n');
      writeFileSync(logFile('keepalived'), 'keepalived is simulated in the lab: it holds VIP bookkeeping only, no VRRP is spoken\n', { flag: 'a' });
      return;
    case 'haproxy': {
      const cfg = hostPath('/etc/haproxy/haproxy.cfg');
      const check = spawnSync('/usr/sbin/haproxy', ['-c', '-f', cfg], { encoding: 'utf8' });
      if (check.status !== 0) throw new UnitStartError(`haproxy configuration check failed:\n${(check.stdout + check.stderr).trim()}`);
      startDaemon('haproxy', '/usr/sbin/haproxy', ['-db', '-f', cfg]);
      return;
    }
  }
}

export async function stopUnit(unit: Unit): Promise<void> {
  switch (unit) {
    case 'kubelet':
    case 'haproxy':
      await stopDaemon(unit);
      return;
    case 'containerd':
      rmSync(hostPath(CONTAINERD_SOCKET), { force: true });
      return;
    case 'keepalived':
      rmSync(hostPath(KEEPALIVED_FLAG), { force: true });
      return;
  }
}
