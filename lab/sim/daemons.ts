/**
 * Detached daemons inside a host: started with setsid, output to /var/log/kubeha-lab/<name>.log,
 * pid in /run/kubeha-lab/<name>.pid. They stay in the host's namespace after the session ends;
 * started from the lab's simulator server, they enter the namespaces of the command's client.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hostPath } from './context';
import { currentInvocation, processState } from './invocation';

export const RUN_DIR = '/run/kubeha-lab';
export const LOG_DIR = '/var/log/kubeha-lab';

export function pidFile(name: string): string {
  return hostPath(path.posix.join(RUN_DIR, `${name}.pid`));
}

export function logFile(name: string): string {
  return hostPath(path.posix.join(LOG_DIR, `${name}.log`));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = processState(pid);
  return state !== undefined && state !== 'Z';
}

export interface PidRecord {
  pid: number;
  /** What the daemon was started from (e.g. a manifest hash), to notice changes. */
  tag?: string;
}

export function readPid(name: string): PidRecord | undefined {
  const file = pidFile(name);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  if (text.startsWith('{')) return JSON.parse(text) as PidRecord;
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 ? { pid } : undefined;
}

export function runningPid(name: string): number | undefined {
  const rec = readPid(name);
  return rec && isAlive(rec.pid) ? rec.pid : undefined;
}

export function startDaemon(name: string, command: string, args: string[], options: { tag?: string; env?: NodeJS.ProcessEnv } = {}): number {
  mkdirSync(hostPath(RUN_DIR), { recursive: true });
  mkdirSync(hostPath(LOG_DIR), { recursive: true });
  const log = openSync(logFile(name), 'a');
  const invocation = currentInvocation();
  // Opened now, while the client lives (it may exit before nsenter runs); a killed client's host is gone, and so is the daemon.
  const namespaces = invocation ? ['mnt', 'uts'].map((ns) => openSync(`/proc/${invocation.pid}/ns/${ns}`, 'r')) : [];
  try {
    // nsenter without --fork execs the daemon itself: the pid recorded is the daemon's.
    const [file, argv] = invocation
      ? ['nsenter', ['--mount=/proc/self/fd/3', '--uts=/proc/self/fd/4', '--', command, ...args]]
      : [command, args];
    const child = spawn(file, argv, { detached: true, stdio: ['ignore', log, log, ...namespaces], env: options.env ?? process.env });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    const rec: PidRecord = { pid: child.pid, tag: options.tag };
    writeFileSync(pidFile(name), `${JSON.stringify(rec)}\n`);
    return child.pid;
  } finally {
    closeSync(log);
    for (const fd of namespaces) closeSync(fd);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopDaemon(name: string, graceMs = 2_000): Promise<void> {
  const rec = readPid(name);
  rmSync(pidFile(name), { force: true });
  if (!rec || !isAlive(rec.pid)) return;
  try {
    process.kill(rec.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(rec.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (isAlive(rec.pid)) {
    try {
      process.kill(rec.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    while (isAlive(rec.pid)) await new Promise((r) => setTimeout(r, 10));
  }
}

/** The compiled script of a simulator entry point next to this file. */
export function simScript(name: string): string {
  return path.join(__dirname, `${name}.js`);
}
