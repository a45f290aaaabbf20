/**
 * What a bring-up needs besides the lab, each in its own process so its CPU and memory are its
 * own: a Temporal dev server (as `kubeha dev` starts one), a `kubeha worker` and `kubeha up`
 * (bin/kubeha over the CLI in dist/, as users run it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import * as path from 'node:path';
import type { Connection } from '@temporalio/client';
import { EnvironmentError } from '../src/errors';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';
import { ensureTemporalCli, findDownloadedCli } from '../src/temporal/ensure-cli';
import { freePort } from '../src/temporal/port-check';

/** bin/kubeha: it execs node on dist/src/client/cli.js with the environment users get (same pid). */
export const CLI = path.resolve(__dirname, '..', '..', 'bin', 'kubeha');

export async function startServer(stateDir: string, progress: (line: string) => void): Promise<DevServer> {
  const cli = await ensureTemporalCli({ env: process.env, progress });
  const cliPath = cli.kind === 'sdk-download' ? findDownloadedCli(cli.downloadDir) : cli.path;
  if (!cliPath) throw new EnvironmentError('no Temporal CLI and no Go toolchain to build one', 'install Go or set TEMPORAL_CLI_PATH (see README, Set-up)');
  return startDevServer({ cliPath, stateDir, port: await freePort(), headless: true });
}

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  startedAt: number;
  /** Exit code (or signal name) and when it came. */
  exit: Promise<{ code: number | string; at: number }>;
}

/**
 * `bin/kubeha ...args` with `nodeArgs` on its node's command line (KUBEHA_NODE_FLAGS: NODE_OPTIONS
 * refuses some of them, e.g. --cpu-prof), output to `logFile`.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, logFile: string, nodeArgs: string[] = []): CliProcess {
  const log = openSync(logFile, 'a');
  try {
    const startedAt = Date.now();
    const nodeFlags = nodeArgs.join(' ');
    // The node that runs the bench goes first on PATH: bin/kubeha starts `node`.
    const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
    const child = spawn(CLI, args, { stdio: ['ignore', log, log], env: { ...process.env, ...env, PATH, ...(nodeFlags ? { KUBEHA_NODE_FLAGS: nodeFlags } : {}) } });
    if (child.pid === undefined) throw new EnvironmentError(`could not start ${CLI}`, 'run npm run build first');
    const exit = new Promise<{ code: number | string; at: number }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code: code ?? signal ?? 'unknown', at: Date.now() }));
    });
    return { child, pid: child.pid, startedAt, exit };
  } finally {
    closeSync(log);
  }
}

/** Waits until some worker polls `taskQueue` (workflow tasks). */
export async function waitForPoller(connection: Connection, namespace: string, taskQueue: string, worker: CliProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const queue = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 });
    if ((queue.pollers?.length ?? 0) > 0) return;
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) throw new EnvironmentError('the kubeha worker exited before it polled', 'see worker.log in the bench directory');
    if (Date.now() > deadline) throw new EnvironmentError(`no worker polled ${taskQueue} within ${timeoutMs / 1000} s`, 'see worker.log in the bench directory');
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function stopCli(p: CliProcess, timeoutMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  await p.exit;
  clearTimeout(timer);
}
