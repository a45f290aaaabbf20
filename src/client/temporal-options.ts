import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { DEFAULT_ADDRESS, DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../shared/task-queue';
import { EnvironmentError } from './errors';
import { KubehaClient } from './kubeha-client';

export interface TemporalFlags {
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

/** --address/--namespace/--task-queue with $KUBEHA_TEMPORAL_ADDRESS, $KUBEHA_NAMESPACE, $KUBEHA_TASK_QUEUE as defaults. */
export function withTemporalOptions(command: Command): Command {
  return command
    .option('--address <host:port>', `Temporal frontend (default: $KUBEHA_TEMPORAL_ADDRESS or ${DEFAULT_ADDRESS})`)
    .option('--namespace <ns>', `Temporal namespace (default: $KUBEHA_NAMESPACE or ${DEFAULT_NAMESPACE})`)
    .option('--task-queue <queue>', `task queue of the kubeha workers (default: $KUBEHA_TASK_QUEUE or ${DEFAULT_TASK_QUEUE})`);
}

export function resolveTemporalFlags(flags: TemporalFlags, env: NodeJS.ProcessEnv = process.env): Required<TemporalFlags> {
  return {
    address: flags.address ?? env.KUBEHA_TEMPORAL_ADDRESS ?? DEFAULT_ADDRESS,
    namespace: flags.namespace ?? env.KUBEHA_NAMESPACE ?? DEFAULT_NAMESPACE,
    taskQueue: flags.taskQueue ?? env.KUBEHA_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
  };
}

export interface OpenedClient {
  kubeha: KubehaClient;
  close(): Promise<void>;
}

/** Connects to Temporal; an unreachable server is an EnvironmentError (exit 3) naming the address and the fix. */
export async function openKubehaClient(flags: TemporalFlags): Promise<OpenedClient> {
  const { address, namespace, taskQueue } = resolveTemporalFlags(flags);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: 5_000 });
  } catch (err) {
    throw new EnvironmentError(
      `cannot reach the Temporal server at ${address}: ${err instanceof Error ? err.message : String(err)}`,
      'start one with `kubeha dev`, or pass --address / set KUBEHA_TEMPORAL_ADDRESS',
    );
  }
  const client = new Client({ connection, namespace });
  return { kubeha: new KubehaClient({ client, taskQueue }), close: () => connection.close() };
}

/** Runs `fn` with a connected client and always closes the connection. */
export async function withKubehaClient<T>(flags: TemporalFlags, fn: (kubeha: KubehaClient) => Promise<T>): Promise<T> {
  const opened = await openKubehaClient(flags);
  try {
    return await fn(opened.kubeha);
  } finally {
    await opened.close();
  }
}
