import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_TASK_QUEUE } from '../../shared/task-queue';
import { loadWorkerModules } from '../../worker/lazy';
import { addWorkerFileOptions, workerFilesFrom, type WorkerFileFlags } from '../worker-files-options';

interface DevOptions extends WorkerFileFlags {
  stateDir?: string;
  ip: string;
  port: number;
  uiPort: number;
  taskQueue: string;
  codecPort?: number;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('expected a port number 1-65535');
  return port;
}

/** True for addresses only this machine can reach. */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  return a === 'localhost' || a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === '::ffff:127.0.0.1';
}

/** The dev server has no TLS and no authentication: say so when it listens beyond this machine. */
export function exposureWarning(ip: string, port: number, uiPort: number): string | undefined {
  if (isLoopback(ip)) return undefined;
  return [
    `warning: --ip ${ip} exposes the Temporal dev server (gRPC :${port}) and its Web UI (:${uiPort}) beyond this machine,`,
    '  with no TLS and no authentication: anyone who reaches them can start, signal, approve and cancel bring-ups',
    '  and read histories (payloads stay encrypted). Use the default 127.0.0.1, or firewall the ports;',
    '  for shared use run a real Temporal cluster with mTLS (docker-compose.yml, docs/SECURITY.md).',
  ].join('\n');
}

/** The codec endpoint with its token path segment hidden (the Web UI already has it). */
function withoutToken(url: string): string {
  const u = new URL(url);
  return u.pathname.length > 1 ? `${u.origin}/<token>` : u.origin;
}

async function runDev(options: DevOptions): Promise<void> {
  const warning = exposureWarning(options.ip, options.port, options.uiPort);
  if (warning) process.stderr.write(`${warning}\n`);
  const { startDevEnvironment, defaultDevStateDir, createLogger, installRuntimeLogging, untilShutdown } = loadWorkerModules();
  installRuntimeLogging();
  const logger = createLogger();
  const stateDir = options.stateDir ?? defaultDevStateDir(process.cwd(), process.env);
  const env = await startDevEnvironment({
    stateDir,
    logger,
    ip: options.ip,
    port: options.port,
    uiPort: options.uiPort,
    taskQueue: options.taskQueue,
    codecPort: options.codecPort,
    files: workerFilesFrom(options),
    progress: (line) => void process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    [
      `Temporal dev server: ${env.address} (namespace ${env.namespace})`,
      `Web UI:              ${env.uiUrl}`,
      `Worker:              polling task queue ${env.taskQueue}`,
      `UI codec server:     ${withoutToken(env.codecUrl)} (payloads are encrypted; the UI decrypts them through it, with a token)`,
      `State:               ${env.server.dbFile} (log ${env.server.logFile})`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  const reason = await untilShutdown(env.workerDone).catch(async (err: unknown) => {
    await env.server.stop();
    throw err;
  });
  process.stderr.write(reason === 'signal' ? 'stopping the worker, then the dev server...\n' : 'the worker stopped; stopping the dev server...\n');
  await env.stop();
  process.stderr.write('stopped.\n');
}

export function registerDev(program: Command): void {
  const command = program
    .command('dev')
    .description('run a local Temporal dev server (gRPC, Web UI, persistent state) with a kubeha worker; Ctrl-C stops both')
    .option('--state-dir <dir>', 'where the dev server keeps temporal.db (default .kubeha/dev here, or ~/.local/state/kubeha/dev)')
    .option('--ip <address>', 'address the server and UI listen on', '127.0.0.1')
    .option('--port <port>', 'Temporal gRPC port', parsePort, 7233)
    .option('--ui-port <port>', 'Temporal Web UI port', parsePort, 8233)
    .option('--task-queue <name>', 'task queue the worker polls', DEFAULT_TASK_QUEUE)
    .option('--codec-port <port>', 'loopback port of the codec server the Web UI decrypts payloads through (default: a free one)', parsePort);
  addWorkerFileOptions(command).action((options: DevOptions) => runDev(options));
}
