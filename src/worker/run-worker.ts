import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createKubehaWorker } from './create-worker';
import { loadKubehaActivities } from './load-activities';

export interface StartWorkerInput {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  logger: Logger;
  /** Tests and the demo may hand in their own; otherwise the real ones are loaded. */
  activities?: object;
  workflowsPath?: string;
}

export interface RunningWorker {
  worker: Worker;
  /** Settles when the worker stopped (after `stop()` or on a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Creates the kubeha worker and starts polling; `stop()` drains it and waits. */
export async function startWorker(input: StartWorkerInput): Promise<RunningWorker> {
  let activities = input.activities;
  if (!activities) {
    const loaded = loadKubehaActivities(input.logger);
    if (loaded.warning) input.logger.warn(loaded.warning);
    activities = loaded.activities;
  }
  const worker = await createKubehaWorker({
    connection: input.connection,
    namespace: input.namespace,
    taskQueue: input.taskQueue,
    activities,
    workflowsPath: input.workflowsPath,
  });
  const done = worker.run();
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
