import { spawn } from 'node:child_process';
import type { LabHost } from '../layout';
import { labPaths } from '../layout';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the run was cut off by `timeoutMs`. */
  timedOut: boolean;
}

export interface RunOptions {
  /** OpenSSH ConnectTimeout (TCP connect and the SSH handshake), seconds. */
  connectTimeoutSeconds?: number;
  timeoutMs?: number;
  knownHosts?: string;
}

/** The real OpenSSH client, strict host-key checking, the lab's key: what an operator would run. */
export function sshArgs(labDir: string, host: LabHost, command: string, options: RunOptions = {}): string[] {
  const paths = labPaths(labDir);
  return [
    '-i', paths.privateKey,
    '-o', `UserKnownHostsFile=${options.knownHosts ?? paths.knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'LogLevel=ERROR',
    '-o', `ConnectTimeout=${options.connectTimeoutSeconds ?? 5}`,
    '-p', '22',
    `root@${host.address}`,
    command,
  ];
}

export function runSsh(labDir: string, host: LabHost, command: string, options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgs(labDir, host, command, options), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
