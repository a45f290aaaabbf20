import type { Command } from 'commander';
import { withDeadline } from '../deadline';
import { EnvironmentError } from '../errors';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { operationLine } from '../render-operations';
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
    // The cluster workflow's queue, when there is one (clusters brought up before 0.3.0 have none).
    const record = await withDeadline(kubeha.record(opts.cluster), opts.queryTimeoutMs ?? 10_000).catch(() => undefined);
    if (opts.json) {
      const operations = record ? { current: record.current, queue: record.queue } : undefined;
      stdout.write(`${JSON.stringify({ ...statusJson(progress, workflowStatus), ...(operations ? { operations } : {}) }, null, 2)}\n`);
      return;
    }
    stdout.write(`${statusText(progress, workflowStatus)}\n`);
    if (record) {
      stdout.write(`\noperations (kubeha ops ${opts.cluster}):\n  running: ${record.current ? operationLine(record.current) : 'nothing'}\n`);
      for (const [i, op] of record.queue.entries()) stdout.write(`  queued ${i + 1}: ${operationLine(op)}\n`);
    }
  });
}

export function registerStatus(program: Command): void {
  withTemporalOptions(
    program
      .command('status')
      .description("A cluster's bring-up (phase, hosts, etcd members, pending approvals) and its running and queued operations")
      .argument('<cluster>', 'cluster name (metadata.name of its spec)')
      .option('--json', 'machine-readable output'),
  ).action(async (cluster: string, opts: Omit<StatusOptions, 'cluster'>) => {
    await runStatus({ ...opts, cluster });
  });
}
