import type { Command } from 'commander';
import { followOperation } from '../follow-operation';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

export interface ResetOptions extends TemporalFlags {
  cluster: string;
  detach?: boolean;
  /** Tests and embedding only: the CLI records the caller's identity. */
  by?: string;
  stdout?: NodeJS.WritableStream;
}

/**
 * Asks the cluster's workflow to tear the cluster down. Nothing is touched before someone else
 * approves `before-reset` (the follow prints what will be destroyed and the approve command);
 * afterwards every host can take a new bring-up, and the cluster workflow admits one.
 */
export async function runReset(opts: ResetOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  await withKubehaClient(opts, async (kubeha) => {
    const accepted = await kubeha.request(opts.cluster, { kind: 'reset', requestedBy: opts.by ?? callerIdentity(opts) });
    const where = accepted.queuePosition === 0 ? 'starts now' : `queued behind ${accepted.queuePosition} operation(s)`;
    stdout.write(`reset of ${opts.cluster} accepted as ${accepted.operationId} (${where}; workflow ${accepted.workflowId})\n`);
    stdout.write(`nothing is touched until it is approved: kubeha approve ${opts.cluster} before-reset (or kubeha reject ${opts.cluster} before-reset --reason ...)\n`);
    if (opts.detach) {
      stdout.write(`follow it with: kubeha ops ${opts.cluster}\n`);
      return;
    }
    await followOperation(kubeha, opts.cluster, accepted.operationId, { out: stdout });
  });
}

export function registerReset(program: Command): void {
  withTemporalOptions(
    program
      .command('reset')
      .description('Tear a cluster down after the before-reset approval: workers, then control planes (etcd members removed), every host left clean for a new bring-up')
      .argument('<cluster>', 'cluster name')
      .option('--detach', 'request it and return at once'),
  ).action(async (cluster: string, opts: Omit<ResetOptions, 'cluster'>) => {
    await runReset({ ...opts, cluster });
  });
}
