import type { DataConverter } from '@temporalio/common';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import type { WorkerFiles } from '../activities/worker-files';
import { kubehaDataConverter, loadCodec } from '../codec';
import { SshPool } from '../ssh/pool';
import { createKubehaWorker } from './create-worker';

export interface StartWorkerInput {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  logger: Logger;
  /** Tests may hand in their own; otherwise the real ones run on a fresh SSH pool. */
  activities?: object;
  /** Defaults to the encrypting codec with the key from KUBEHA_CODEC_KEY(_FILE) or the default key file. */
  dataConverter?: DataConverter;
  workflowsPath?: string;
  /** Defaults to the longest step (createKubehaWorker). */
  shutdownGraceTimeMs?: number;
  /** The worker's SSH keys, known_hosts and manifest directory (required with the real activities). */
  files?: WorkerFiles;
}

export interface RunningWorker {
  worker: Worker;
  /** Settles when the worker stopped (after `stop()` or on a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

function defaultDataConverter(logger: Logger): DataConverter {
  // A worker decodes only what a holder of the key encrypted: a plaintext input from any Temporal client is refused.
  const { codec, keyId, source } = loadCodec({ requireEncryption: true });
  logger.info({ keyId, source }, 'payloads encrypted with the kubeha codec key');
  return kubehaDataConverter(codec);
}

/** Creates the kubeha worker and starts polling; `stop()` drains it, then closes its SSH pool. */
export async function startWorker(input: StartWorkerInput): Promise<RunningWorker> {
  const ssh = input.activities ? undefined : new SshPool();
  if (!input.activities && !input.files) throw new Error('startWorker: the real activities need the worker files (SSH key dir, known_hosts)');
  const activities = input.activities ?? createActivities({ ssh, logger: input.logger, ...(input.files ? { files: input.files } : {}) });
  const dataConverter = input.dataConverter ?? defaultDataConverter(input.logger);
  let worker: Worker;
  try {
    worker = await createKubehaWorker({
      connection: input.connection,
      namespace: input.namespace,
      taskQueue: input.taskQueue,
      activities,
      dataConverter,
      workflowsPath: input.workflowsPath,
      ...(input.shutdownGraceTimeMs !== undefined ? { shutdownGraceTimeMs: input.shutdownGraceTimeMs } : {}),
    });
  } catch (err) {
    await ssh?.close();
    throw err;
  }
  const done = worker.run().finally(() => ssh?.close());
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
