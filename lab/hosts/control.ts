import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OperationError } from '../../src/client/errors';
import type { LabHost } from '../layout';
import { HOST_IDENTITY_FILE, HOST_SIM_BIN, labPaths } from '../layout';
import { commandOf, isDead, killUntilGone, labProcesses, processesByMountNamespace, processState, signalAll, waitFor } from './processes';
import type { HostRuntime } from './runtime';
import { readRuntime, writeRuntime } from './runtime';
import { SSH_PORT, startSshd, waitForSsh } from './sshd';

export const BOOT_COMMAND = path.posix.join(HOST_SIM_BIN, 'kubeha-lab-boot');

export type HostState = 'up' | 'frozen' | 'stopped';

/** Every live process of the host (sshd, sessions, daemons), found by scanning /proc. */
export function hostPids(labDir: string, host: string, byNs = processesByMountNamespace()): number[] {
  return labProcesses(labDir, HOST_IDENTITY_FILE, byNs).get(host) ?? [];
}

export function hostState(labDir: string, host: string, byNs = processesByMountNamespace()): HostState {
  const pids = hostPids(labDir, host, byNs).filter((pid) => !isDead(pid));
  if (pids.length === 0) return 'stopped';
  return pids.every((pid) => processState(pid) === 'T') ? 'frozen' : 'up';
}

function requireRuntime(labDir: string, host: string): HostRuntime {
  const runtime = readRuntime(labDir, host);
  if (!runtime) throw new OperationError(`${host}: not a host of the lab in ${labDir}`, 'Run `kubeha lab status` to list hosts.');
  return runtime;
}

/** SIGKILL everything in the host's namespaces: its address then refuses connections. */
export async function killHost(labDir: string, host: string): Promise<void> {
  const gone = await killUntilGone(() => hostPids(labDir, host), 10_000);
  if (!gone) throw new OperationError(`${host}: processes survived SIGKILL: ${hostPids(labDir, host).join(' ')}`);
}

export async function stopHost(labDir: string, host: string): Promise<void> {
  requireRuntime(labDir, host);
  await killHost(labDir, host);
}

/** SIGSTOP every process of the host (again for any that appear) until all of them are stopped. */
export async function freezeHost(labDir: string, host: string): Promise<void> {
  requireRuntime(labDir, host);
  const frozen = await waitFor(() => {
    const pids = hostPids(labDir, host).filter((pid) => !isDead(pid));
    signalAll(pids, 'SIGSTOP');
    return pids.every((pid) => processState(pid) === 'T' || isDead(pid));
  }, 5_000, 10);
  if (!frozen) throw new OperationError(`${host}: not every process stopped within 5 s`);
}

export async function thawHost(labDir: string, host: string): Promise<void> {
  requireRuntime(labDir, host);
  const thawed = await waitFor(() => {
    const pids = hostPids(labDir, host);
    signalAll(pids, 'SIGCONT');
    return pids.every((pid) => processState(pid) !== 'T');
  }, 5_000, 10);
  if (!thawed) throw new OperationError(`${host}: some processes are still stopped after SIGCONT`);
}

/** Kills the sshd processes serving connections, never the listener: clients see the connection drop. */
export function dropConnections(labDir: string, host: string): number {
  const runtime = requireRuntime(labDir, host);
  const sessions = hostPids(labDir, host).filter((pid) => pid !== runtime.sshdPid && commandOf(pid) === 'sshd');
  signalAll(sessions, 'SIGKILL');
  return sessions.length;
}

/** Brings a host up in a fresh namespace (same binds) and waits until it answers SSH. */
export async function bootHost(labDir: string, host: LabHost): Promise<HostRuntime> {
  const sshd = await startSshd(labDir, host);
  const runtime: HostRuntime = { sshdPid: sshd.pid, mountNamespace: sshd.mountNamespace };
  writeRuntime(labDir, host.name, runtime);
  await waitForSsh(labDir, host, sshd.pid, 10_000);
  return runtime;
}

/** Where the boot command's own output goes (inside the host: /var/log/kubeha-lab/boot.log). */
export function bootLogPath(labDir: string, host: string): string {
  return path.join(labPaths(labDir).hostPrivate(host, '/var/log/kubeha-lab'), 'boot.log');
}

/**
 * Runs the boot command inside the host's namespace. Its output goes to a file, not a pipe, so
 * daemons it leaves running cannot keep us waiting; we wait for the command itself to exit.
 */
async function runBootCommand(labDir: string, host: LabHost, sshdPid: number): Promise<void> {
  const logFile = bootLogPath(labDir, host.name);
  const log = openSync(logFile, 'a');
  try {
    const child = spawn('nsenter', ['--target', String(sshdPid), '--mount', '--uts', '--', BOOT_COMMAND], {
      stdio: ['ignore', log, log],
    });
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('timed out after 60 s');
      }, 60_000);
      child.once('error', (err) => resolve(err.message));
      child.once('exit', (c, signal) => {
        clearTimeout(timer);
        resolve(c ?? `killed by ${signal}`);
      });
    });
    if (code !== 0) {
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
      throw new OperationError(`${host.name}: ${BOOT_COMMAND} failed after restart (${code}): ${tail}`, `See ${logFile}.`);
    }
  } finally {
    closeSync(log);
  }
}

/** Stop, then start sshd in a new namespace (same binds) and run the host's boot command (starts enabled services). */
export async function restartHost(labDir: string, host: LabHost): Promise<void> {
  requireRuntime(labDir, host.name);
  await killHost(labDir, host.name);
  const runtime = await bootHost(labDir, host);
  if (existsSync(path.join(labPaths(labDir).simBin, 'kubeha-lab-boot'))) await runBootCommand(labDir, host, runtime.sshdPid);
}

export { SSH_PORT };
