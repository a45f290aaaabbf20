/**
 * The Temporal server (all four services in one process, as the compose file's container runs
 * them) started from its config directory, checked the way the compose healthcheck checks it
 * (`temporal operator cluster health` over mTLS: the frontend's gRPC health service), and
 * killable with SIGKILL to prove that a bring-up survives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { tlsConfigFrom, type TlsFiles } from '../../src/client/connection';
import { EnvironmentError } from '../../src/errors';
import { waitUntil } from './exec';

const CONFIG_ENV = 'kubeha';
const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
/** grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING */
const SERVING = 1;

export interface TemporalServerInput {
  binary: string;
  /** Gets config/kubeha.yaml. */
  root: string;
  logFile: string;
  address: string;
  /** A client certificate the frontend accepts, for the health check. */
  tls: TlsFiles;
  /** Told the pid as soon as there is one, before the wait for readiness. */
  onSpawn?: (pid: number) => void;
}

export interface TemporalServer {
  readonly pid: number;
  /** SIGKILL, as a crashed or OOM-killed server goes; resolves once it is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function writeServerConfig(root: string, config: string): string {
  const dir = path.join(root, 'config');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${CONFIG_ENV}.yaml`);
  // It holds the database password.
  writeFileSync(file, config, { mode: 0o600 });
  return file;
}

/** True when the frontend answers SERVING to a client presenting `tls`. */
export async function frontendServing(address: string, tls: TlsFiles): Promise<boolean> {
  const connection = await Connection.connect({ address, tls: tlsConfigFrom(tls), connectTimeout: 2_000 });
  try {
    const response = await connection.withDeadline(Date.now() + 2_000, () => connection.healthService.check({ service: WORKFLOW_SERVICE }));
    return response.status === SERVING;
  } finally {
    await connection.close();
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function exitedPromise(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startTemporalServer(input: TemporalServerInput): Promise<TemporalServer> {
  const log = openSync(input.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(input.binary, ['--root', input.root, '--config', 'config', '--env', CONFIG_ENV, 'start'], { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new EnvironmentError(`could not start ${input.binary}`, `see ${input.logFile}`);
  input.onSpawn?.(pid);
  const exited = exitedPromise(child);
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async (): Promise<void> => {
    if (running()) child.kill('SIGKILL');
    await exited;
  };
  const stop = async (): Promise<void> => {
    if (!running()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntil(
      async () => !running() || (await frontendServing(input.address, input.tls)),
      120_000,
      () => new EnvironmentError(`the Temporal server's frontend on ${input.address} was not SERVING within 120 s:\n${tail(input.logFile)}`, `see ${input.logFile}`),
      500,
    );
    if (!running()) throw new EnvironmentError(`the Temporal server exited (${child.exitCode ?? child.signalCode}) while starting:\n${tail(input.logFile)}`, `see ${input.logFile}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid, kill, stop };
}
