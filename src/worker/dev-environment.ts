import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { EnvironmentError } from '../errors';
import { kubehaDataConverter, loadCodec } from '../codec';
import { startCodecServer, type CodecServer } from '../temporal/codec-server';
import { freePort } from '../temporal/port-check';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../shared/task-queue';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { ensureTemporalCli, findDownloadedCli } from '../temporal/ensure-cli';
import type { WorkerFiles } from '../activities/worker-files';
import { startWorker } from './run-worker';

export interface DevEnvironmentOptions {
  stateDir: string;
  logger: Logger;
  ip?: string;
  port?: number;
  uiPort?: number;
  taskQueue?: string;
  /** Activities for the worker; the real ones are loaded when omitted. */
  activities?: object;
  /** The worker's SSH keys, known_hosts and manifest directory, for the real activities. */
  files?: WorkerFiles;
  /** Overrides the CLI lookup. */
  cliPath?: string;
  /** Progress lines (CLI lookup or build); default: the logger at info. */
  progress?: (line: string) => void;
  /** Port of the codec server the Web UI decrypts payloads through (default: a free one). */
  codecPort?: number;
}

export interface DevEnvironment {
  address: string;
  namespace: string;
  taskQueue: string;
  uiUrl?: string;
  /** Where the Web UI decodes payloads (loopback only). */
  codecUrl: string;
  server: DevServer;
  /** Settles when the worker stops, also when it dies on its own. */
  workerDone: Promise<void>;
  /** Stops the worker, then the server. */
  stop(): Promise<void>;
}

async function resolveCli(progress: (line: string) => void): Promise<string> {
  const cli = await ensureTemporalCli({ env: process.env, progress });
  if (cli.kind !== 'sdk-download') return cli.path;
  const downloaded = findDownloadedCli(cli.downloadDir);
  if (downloaded) return downloaded;
  throw new EnvironmentError(
    'no Temporal CLI on this machine and no Go toolchain to build one',
    'install Go (https://go.dev/dl, /usr/local/go) so kubeha can build it, or set TEMPORAL_CLI_PATH to a temporal v1.5.1 binary',
  );
}

/** `kubeha dev` as a function: a dev server with a worker polling the kubeha task queue. */
export async function startDevEnvironment(options: DevEnvironmentOptions): Promise<DevEnvironment> {
  const progress = options.progress ?? ((line: string) => options.logger.info(line));
  const cliPath = options.cliPath ?? (await resolveCli(progress));
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? port + 1000;
  const { codec, keyId, source } = loadCodec();
  options.logger.info({ keyId, source }, 'payloads encrypted with the kubeha codec key');
  const codecServer: CodecServer = await startCodecServer({
    codec,
    host: '127.0.0.1',
    port: options.codecPort ?? (await freePort()),
    allowOrigins: [`http://${ip}:${uiPort}`, `http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
  });
  let server: DevServer;
  try {
    server = await startDevServer({ cliPath, stateDir: options.stateDir, ip, port, uiPort, namespace: DEFAULT_NAMESPACE, uiCodecEndpoint: codecServer.url });
  } catch (err) {
    await codecServer.stop();
    throw err;
  }
  progress(`Temporal dev server ready on ${server.address}${server.uiUrl ? `, Web UI ${server.uiUrl}` : ''}; bundling the workflow code for the worker`);
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect({ address: server.address });
    const worker = await startWorker({
      connection,
      namespace: server.namespace,
      taskQueue,
      logger: options.logger,
      activities: options.activities,
      ...(options.files ? { files: options.files } : {}),
      // The worker refuses plaintext input; the UI's codec server above still passes it through.
      dataConverter: kubehaDataConverter(loadCodec({ requireEncryption: true }).codec),
      // Ctrl-C on a dev environment should not wait out a step: kubeadm runs detached and the
      // next worker attaches to it, so cutting the activity short loses nothing.
      shutdownGraceTimeMs: 10_000,
    });
    const openConnection = connection;
    let stopping: Promise<void> | undefined;
    return {
      address: server.address,
      namespace: server.namespace,
      taskQueue,
      uiUrl: server.uiUrl,
      codecUrl: codecServer.url,
      server,
      workerDone: worker.done,
      stop() {
        stopping ??= (async () => {
          try {
            await worker.stop();
          } finally {
            await openConnection.close();
            await server.stop();
            await codecServer.stop();
          }
        })();
        return stopping;
      },
    };
  } catch (err) {
    await connection?.close();
    await server.stop();
    await codecServer.stop();
    throw err;
  }
}
