import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { EnvironmentError } from '../../src/client/errors';
import type { LabHost } from '../layout';
import { HOST_SIM_BIN, labPaths } from '../layout';
import { authorizedKeysPath, hostKeyPath } from '../keys';
import { isDead, mountNamespaceOf, waitFor } from './processes';
import { hostBinds } from './roots';
import { shQuote } from './shell';

export const SSH_PORT = 22;

export function sshdConfigPath(labDir: string, host: string): string {
  return path.join(labPaths(labDir).hostRoot(host), 'sshd_config');
}

export function sshdLogPath(labDir: string, host: string): string {
  return path.join(labPaths(labDir).hostPrivate(host, '/var/log/kubeha-lab'), 'sshd.log');
}

export function renderSshdConfig(labDir: string, host: LabHost): string {
  return [
    `ListenAddress ${host.address}:${SSH_PORT}`,
    `HostKey ${hostKeyPath(labDir, host.name)}`,
    `AuthorizedKeysFile ${authorizedKeysPath(labDir)}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'PidFile none',
    'PrintMotd no',
    'PrintLastLog no',
    // The orchestrator opens many connections and channels at once during fan-out.
    'MaxStartups 128:30:512',
    'MaxSessions 128',
    'LoginGraceTime 30',
    'ClientAliveInterval 0',
    'AcceptEnv LANG LC_*',
    `SetEnv PATH=${HOST_SIM_BIN}:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    'Subsystem sftp internal-sftp',
    'LogLevel INFO',
    '',
  ].join('\n');
}

export function fstabPath(labDir: string, host: string): string {
  return path.join(labPaths(labDir).hostRoot(host), 'fstab');
}

/** The host's private view as an fstab of bind mounts, applied by one `mount --all` inside the namespace. */
export function renderHostFstab(labDir: string, host: LabHost): string {
  const escape = (p: string) => p.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  const lines = hostBinds(labDir, host.name).map((b) => `${escape(b.from)} ${escape(b.to)} none ${b.readOnly ? 'bind,ro' : 'bind'} 0 0`);
  return `${lines.join('\n')}\n`;
}

/** The script run by `unshare`: name the host, bind its private view, then become sshd (same pid). */
export function renderNamespaceScript(labDir: string, host: LabHost): string {
  return [
    'set -e',
    // The UTS namespace is the shell's own; writing the kernel's hostname saves a process per host.
    `printf %s ${shQuote(host.name)} > /proc/sys/kernel/hostname`,
    `mount --all --fstab ${shQuote(fstabPath(labDir, host.name))}`,
    `exec /usr/sbin/sshd -D -e -f ${shQuote(sshdConfigPath(labDir, host.name))}`,
  ].join('\n');
}

export interface StartedSshd {
  pid: number;
  mountNamespace: string;
}

/** Starts the host's sshd detached, in a fresh mount+UTS namespace, and returns once it is in it. */
export async function startSshd(labDir: string, host: LabHost): Promise<StartedSshd> {
  writeFileSync(sshdConfigPath(labDir, host.name), renderSshdConfig(labDir, host));
  writeFileSync(fstabPath(labDir, host.name), renderHostFstab(labDir, host));
  const rootNs = mountNamespaceOf(process.pid);
  const log = openSync(sshdLogPath(labDir, host.name), 'a');
  try {
    const child = spawn(
      'unshare',
      ['--mount', '--uts', '--propagation', 'private', '--', '/bin/sh', '-c', renderNamespaceScript(labDir, host)],
      { detached: true, stdio: ['ignore', log, log] },
    );
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new EnvironmentError(`${host.name}: could not start unshare`, 'Install util-linux.');
    let exited: number | null = null;
    child.once('exit', (code) => {
      exited = code ?? -1;
    });
    let ns: string | undefined;
    const entered = await waitFor(() => {
      ns = mountNamespaceOf(pid);
      return exited !== null || (ns !== undefined && ns !== rootNs);
    }, 5_000, 5);
    if (!entered || exited !== null || ns === undefined) {
      throw new EnvironmentError(
        `${host.name}: sshd did not start in its own namespace (see ${sshdLogPath(labDir, host.name)})`,
        'The lab needs root (CAP_SYS_ADMIN) to create mount namespaces.',
      );
    }
    return { pid, mountNamespace: ns };
  } finally {
    closeSync(log);
  }
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '';
  }
}

/** `127.0.3.11`, 22 -> `0B03007F:0016`, as /proc/net/tcp spells a local address. */
export function procNetAddress(address: string, port: number): string {
  const ip = address.split('.').map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0')).reverse().join('');
  return `${ip}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Socket inodes listening on address:port (TCP state 0A). */
function listeningInodes(address: string, port: number): string[] {
  const wanted = procNetAddress(address, port);
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === wanted && f[3] === '0A')
    .map((f) => f[9] ?? '');
}

function ownsSocket(pid: number, inodes: string[]): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m !== null && inodes.includes(m[1] ?? '');
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * Waits until the host's own sshd (`pid`) listens on its address: checked in /proc (no SSH
 * connection, so no sshd fork per probe), and it proves the listener is ours, not another lab's.
 */
export async function waitForSsh(labDir: string, host: LabHost, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (isDead(pid)) {
      throw new EnvironmentError(
        `${host.name} (${host.address}): sshd exited: ${logTail(sshdLogPath(labDir, host.name))}`,
        `Is ${host.address}:${SSH_PORT} used by another lab? Stop it, or pick another --address-prefix.`,
      );
    }
    const inodes = listeningInodes(host.address, SSH_PORT);
    if (inodes.length > 0 && ownsSocket(pid, inodes)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new EnvironmentError(
    `${host.name} (${host.address}): sshd did not listen on port ${SSH_PORT} within ${timeoutMs} ms`,
    `See ${sshdLogPath(labDir, host.name)}.`,
  );
}

/** Resolves to true when nothing listens on address:port (connection refused). */
export function portIsFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (free: boolean) => {
      socket.destroy();
      resolve(free);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(false));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'));
  });
}
