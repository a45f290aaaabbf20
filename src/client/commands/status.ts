import type { Command } from 'commander';
import { withDeadline } from '../deadline';
import { EnvironmentError } from '../errors';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { statusJson, statusText } from '../render-progress';

export interface StatusOptions extends TemporalFlags {
  cluster: string;
  json?: boolean;
  queryTimeoutMs?: number;
  stdout?: NodeJS.WritableStream;
}

export async function runStatus(opts: StatusOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  await withKubehaClient(opts, async (kubeha) => {
    const workflowStatus = await kubeha.status(opts.cluster);
    const progress = await withDeadline(kubeha.progress(opts.cluster), opts.queryTimeoutMs ?? 10_000);
    if (!progress) {
      throw new EnvironmentError(
        `the bring-up of ${opts.cluster} is ${workflowStatus.toLowerCase()}, but no kubeha worker answered its progress query`,
        'start a worker with `kubeha worker` (queries are answered by workers)',
      );
    }
    stdout.write(opts.json ? `${JSON.stringify(statusJson(progress, workflowStatus), null, 2)}\n` : `${statusText(progress, workflowStatus)}\n`);
  });
}

export function registerStatus(program: Command): void {
  withTemporalOptions(
    program
      .command('status')
      .description("A cluster's bring-up: phase, hosts, etcd members, pending approvals")
      .argument('<cluster>', 'cluster name (metadata.name of its spec)')
      .option('--json', 'machine-readable output'),
  ).action(async (cluster: string, opts: Omit<StatusOptions, 'cluster'>) => {
    await runStatus({ ...opts, cluster });
  });
}
