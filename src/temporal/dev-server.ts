import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { EnvironmentError } from '../errors';
import { ensureSearchAttributes } from './ensure-search-attributes';
import { forgetServerPid, leftoverServerPid, recordServerPid } from './leftover-server';
import { isPortFree } from './port-check';
import { searchAttributeFlags } from './search-attributes';

export interface DevServerOptions {
  cliPath: string;
  /** Holds temporal.db (workflows survive restarts) and temporal.log. */
  stateDir: string;
  ip?: string;
  port?: number;
  uiPort?: number;
  /** No Web UI at all. */
  headless?: boolean;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  uiCodecEndpoint?: string;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  dbFile: string;
  logFile: string;
  pid: number;
  /** Search attributes the server lacked on an existing database and that were added. */
  addedSearchAttributes: string[];
  stop(): Promise<void>;
}

export function devServerArgs(o: Required<Pick<DevServerOptions, 'ip' | 'port' | 'uiPort' | 'namespace' | 'logLevel'>> & { dbFile: string; headless: boolean; uiCodecEndpoint?: string }): string[] {
  return [
    'server',
    'start-dev',
    '--ip', o.ip,
    '--port', String(o.port),
    ...(o.headless ? ['--headless'] : ['--ui-port', String(o.uiPort)]),
    ...(o.uiCodecEndpoint ? ['--ui-codec-endpoint', o.uiCodecEndpoint] : []),
    '--db-filename', o.dbFile,
    // SQLite's write-ahead log, synced at checkpoints rather than every commit: a commit survives
    // the server's crash or kill (what a dev server meets), though not the machine's power loss.
    // The default rollback journal made and fsynced a journal file per transaction: a third of the
    // server's CPU in a 3+50 bring-up (docs/BENCHMARKS.md).
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    '--namespace', o.namespace,
    ...searchAttributeFlags(),
    // No internet here and no reason to phone home from a developer's machine.
    '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
    // Task-queue priorities (the bring-up dispatches its critical path ahead of the joining hosts' preflight); off by default in server 1.29.
    '--dynamic-config-value', 'matching.useNewMatcher=true',
    // The dev server has one history shard, whose transfer queue (every workflow and activity task
    // on its way to matching, every child's start and completion) is read at most 20 times a
    // second by default: up to 50 ms added to each of those hops, five of them in series per
    // worker join (docs/BENCHMARKS.md). A server with hundreds of shards rarely meets that limit.
    '--dynamic-config-value', 'history.transferProcessorMaxPollRPS=200',
    // Eager activities: a workflow task that schedules an activity this worker has a free slot
    // for gets the activity task back in its completion reply, skipping the transfer queue and
    // matching (off by default in server 1.29). Scheduled→started p50 at 3+50: 8.6 → 0.04 ms.
    '--dynamic-config-value', 'system.enableActivityEagerExecution=true',
    '--log-level', o.logLevel,
  ];
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([exited(child).then(() => 'exited' as const), timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    await exited(child);
  }
}

async function waitReady(address: string, namespace: string, child: ChildProcess, logFile: string, deadline: number): Promise<Connection> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new EnvironmentError(
        `the Temporal dev server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(logFile)}`,
        `see ${logFile}`,
      );
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return connection;
      } catch (err) {
        await connection.close();
        throw err;
      }
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new EnvironmentError(`the Temporal dev server on ${address} was not ready in time (${reason})`, `see ${logFile}`);
}

/**
 * Spawns `temporal server start-dev` in its own process group (so a terminal's Ctrl-C reaches
 * only us and we can stop the worker before the server) and waits until it answers.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? port + 1000;
  const headless = options.headless ?? false;
  const namespace = options.namespace ?? 'default';
  const address = `${ip}:${port}`;
  const dbFile = join(options.stateDir, 'temporal.db');
  const logFile = join(options.stateDir, 'temporal.log');
  const ports: Array<[string, number]> = [['gRPC', port]];
  if (!headless) ports.push(['Web UI', uiPort]);
  for (const [what, p] of ports) {
    if (await isPortFree(ip, p)) continue;
    const leftover = leftoverServerPid(options.stateDir, dbFile);
    if (leftover) {
      throw new EnvironmentError(
        `port ${p} on ${ip} (Temporal ${what}) is held by pid ${leftover}, a dev server an earlier run left on ${options.stateDir}`,
        `stop it (kill ${leftover}) and start again; its workflows are kept in ${dbFile}`,
      );
    }
    throw new EnvironmentError(
      `port ${p} on ${ip} (Temporal ${what}) is already in use`,
      `stop what listens there (another kubeha dev? see: ss -ltnp 'sport = :${p}') or pick other ports with --port/--ui-port`,
    );
  }
  // The database holds every workflow's history and the log its activity: this user only.
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  chmodSync(options.stateDir, 0o700);
  const args = devServerArgs({ ip, port, uiPort, namespace, logLevel: options.logLevel ?? 'warn', dbFile, headless, uiCodecEndpoint: options.uiCodecEndpoint });
  const log = openSync(logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(options.cliPath, args, { stdio: ['ignore', log, log], detached: true });
  } finally {
    closeSync(log);
  }
  if (child.pid) recordServerPid(options.stateDir, child.pid);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(new EnvironmentError(`cannot run ${options.cliPath}: ${err.message}`, 'set TEMPORAL_CLI_PATH to a temporal binary'))),
  );
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  try {
    const connection = await Promise.race([
      waitReady(address, namespace, child, logFile, Date.now() + (options.readyTimeoutMs ?? 60_000)),
      spawnError,
    ]);
    let addedSearchAttributes: string[];
    try {
      addedSearchAttributes = await ensureSearchAttributes(connection, namespace);
    } finally {
      await connection.close();
    }
    return {
      address,
      uiUrl: headless ? undefined : `http://${ip}:${uiPort}`,
      namespace,
      dbFile,
      logFile,
      pid: child.pid ?? -1,
      addedSearchAttributes,
      async stop() {
        await stopChild(child, stopTimeoutMs);
        process.removeListener('exit', killOnExit);
        forgetServerPid(options.stateDir);
      },
    };
  } catch (err) {
    await stopChild(child, stopTimeoutMs);
    process.removeListener('exit', killOnExit);
    forgetServerPid(options.stateDir);
    throw err;
  }
}
