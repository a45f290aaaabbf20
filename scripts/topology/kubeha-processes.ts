/** `kubeha worker` and `kubeha up` as users run them: the built CLI in its own process, output to a log file. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import * as path from 'node:path';
import { EnvironmentError } from '../../src/errors';
import type { TlsFiles } from '../../src/client/connection';
import { REPO_ROOT } from './layout';

const CLI = path.join(REPO_ROOT, 'dist', 'src', 'client', 'cli.js');

export interface KubehaProcess {
  readonly child: ChildProcess;
  readonly logFile: string;
  /** The exit code, or the signal's name. */
  readonly exit: Promise<number | string>;
  stop(): Promise<void>;
}

/** The connection flags every kubeha command takes, for mTLS to the frontend. */
export function connectionFlags(address: string, namespace: string, tls: Required<TlsFiles>): string[] {
  return [
    '--address', address,
    '--namespace', namespace,
    '--tls-ca', tls.caFile,
    '--tls-cert', tls.certFile,
    '--tls-key', tls.keyFile,
    '--tls-server-name', tls.serverName,
  ];
}

export function runKubeha(args: string[], env: NodeJS.ProcessEnv, logFile: string): KubehaProcess {
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined) throw new EnvironmentError(`could not start ${CLI}`, 'run npm run build first');
  const exit = new Promise<number | string>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode ?? 'unknown');
    else child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(timer);
  };
  return { child, logFile, exit, stop };
}
