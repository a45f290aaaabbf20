import type { Command } from 'commander';
import { DEFAULT_TASK_QUEUE } from '../../shared/task-queue';
import { addConnectionOptions, type ConnectionFlags } from '../connection';
import { loadWorkerModules } from '../../worker/lazy';
import { addWorkerFileOptions, workerFilesFrom, type WorkerFileFlags } from '../worker-files-options';

interface WorkerOptions extends ConnectionFlags, WorkerFileFlags {
  taskQueue: string;
}

async function runWorkerCommand(options: WorkerOptions): Promise<void> {
  const { connectionOptionsFrom, connectWorker, startWorker, createLogger, installRuntimeLogging, untilShutdown } = loadWorkerModules();
  const connectionOptions = connectionOptionsFrom(options);
  installRuntimeLogging();
  const logger = createLogger();
  const connection = await connectWorker(connectionOptions);
  try {
    const worker = await startWorker({ connection, namespace: connectionOptions.namespace, taskQueue: options.taskQueue, logger, files: workerFilesFrom(options) });
    logger.info({ address: connectionOptions.address, namespace: connectionOptions.namespace, taskQueue: options.taskQueue }, 'kubeha worker polling');
    const reason = await untilShutdown(worker.done);
    if (reason === 'signal') {
      logger.info('stopping the worker (running activities get the shutdown grace time)');
      await worker.stop();
    }
  } finally {
    await connection.close();
  }
}

export function registerWorker(program: Command): void {
  const command = program
    .command('worker')
    .description('run a kubeha worker against a Temporal cluster (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS and API-key options)')
    .option('--task-queue <name>', 'task queue to poll', DEFAULT_TASK_QUEUE);
  addConnectionOptions(addWorkerFileOptions(command)).action((options: WorkerOptions) => runWorkerCommand(options));
}
