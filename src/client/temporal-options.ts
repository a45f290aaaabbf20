import { Option, type Command } from 'commander';
import { kubehaDataConverter, loadCodec } from '../codec';
import { DEFAULT_TASK_QUEUE } from '../shared/task-queue';
import { addConnectionOptions, connectClient, connectionOptionsFrom, type ConnectionFlags } from './connection';
import { KubehaClient } from './kubeha-client';

export interface TemporalFlags extends ConnectionFlags {
  taskQueue?: string;
}

/** The shared connection options (address, namespace, TLS, API key) plus the kubeha task queue. */
export function withTemporalOptions(command: Command): Command {
  return addConnectionOptions(command).addOption(
    new Option('--task-queue <queue>', `task queue of the kubeha workers (default: ${DEFAULT_TASK_QUEUE})`).env('KUBEHA_TASK_QUEUE'),
  );
}

export interface OpenedClient {
  kubeha: KubehaClient;
  close(): Promise<void>;
}

/** Connects with the payload codec, so specs, tokens and keys travel encrypted; unreachable servers are EnvironmentError (exit 3). */
export async function openKubehaClient(flags: TemporalFlags): Promise<OpenedClient> {
  const options = { ...connectionOptionsFrom(flags), dataConverter: kubehaDataConverter(loadCodec().codec) };
  const client = await connectClient(options);
  return { kubeha: new KubehaClient({ client, taskQueue: flags.taskQueue ?? DEFAULT_TASK_QUEUE }), close: () => client.connection.close() };
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
