import type { Command } from 'commander';
import { nodesText, opsText } from '../render-operations';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';

export interface OpsOptions extends TemporalFlags {
  cluster: string;
  json?: boolean;
  stdout?: NodeJS.WritableStream;
}

export async function runOps(opts: OpsOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  await withKubehaClient(opts, async (kubeha) => {
    const record = await kubeha.record(opts.cluster);
    stdout.write(opts.json ? `${JSON.stringify({ ...record, spec: undefined }, null, 2)}\n` : `${opsText(record)}\n\n${nodesText(record)}\n`);
  });
}

export function registerOps(program: Command): void {
  withTemporalOptions(
    program
      .command('ops')
      .description("A cluster's operations: the one running, the queue, and the history with who asked and how it ended")
      .argument('<cluster>', 'cluster name')
      .option('--json', 'machine-readable output (the cluster record without its spec)'),
  ).action(async (cluster: string, opts: Omit<OpsOptions, 'cluster'>) => {
    await runOps({ ...opts, cluster });
  });
}
