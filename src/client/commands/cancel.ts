import type { Command } from 'commander';
import { OperationError } from '../errors';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';

export interface CancelOptions extends TemporalFlags {
  cluster: string;
  stdout?: NodeJS.WritableStream;
}

export async function runCancel(opts: CancelOptions): Promise<void> {
  await withKubehaClient(opts, async (kubeha) => {
    const status = await kubeha.status(opts.cluster);
    if (status !== 'RUNNING') {
      throw new OperationError(`the bring-up of ${opts.cluster} is not running (it is ${status.toLowerCase()})`, `see kubeha status ${opts.cluster}`);
    }
    await kubeha.cancel(opts.cluster);
    (opts.stdout ?? process.stdout).write(`cancellation of ${opts.cluster}'s bring-up requested; see kubeha status ${opts.cluster}\n`);
  });
}

export function registerCancel(program: Command): void {
  withTemporalOptions(program.command('cancel').description("Cancel a cluster's running bring-up").argument('<cluster>', 'cluster name')).action(
    async (cluster: string, opts: Omit<CancelOptions, 'cluster'>) => {
      await runCancel({ ...opts, cluster });
    },
  );
}
