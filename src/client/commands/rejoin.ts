import type { Command } from 'commander';
import { followOperation } from '../follow-operation';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

export interface RejoinOptions extends TemporalFlags {
  cluster: string;
  node: string;
  detach?: boolean;
  /** Tests and embedding only: the CLI records the caller's identity. */
  by?: string;
  stdout?: NodeJS.WritableStream;
}

/**
 * Asks the cluster's workflow to rejoin a node at its recorded address: drain (if its host still
 * runs), delete the Node, remove its etcd member through a healthy member (refused when that
 * would lose quorum), `kubeadm reset -f`, join with fresh credentials, verify etcd.
 */
export async function runRejoin(opts: RejoinOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  await withKubehaClient(opts, async (kubeha) => {
    const accepted = await kubeha.request(opts.cluster, { kind: 'rejoin', node: opts.node, requestedBy: opts.by ?? callerIdentity(opts) });
    const where = accepted.queuePosition === 0 ? 'starts now' : `queued behind ${accepted.queuePosition} operation(s)`;
    stdout.write(`rejoin of ${opts.node} in ${opts.cluster} accepted as ${accepted.operationId} (${where}; workflow ${accepted.workflowId})\n`);
    if (opts.detach) {
      stdout.write(`follow it with: kubeha ops ${opts.cluster}\n`);
      return;
    }
    await followOperation(kubeha, opts.cluster, accepted.operationId, { out: stdout });
  });
}

export function registerRejoin(program: Command): void {
  withTemporalOptions(
    program
      .command('rejoin')
      .description('Remove a node from the cluster (etcd member included, never losing quorum) and join its host again at the same address, after the operations queued before it')
      .argument('<cluster>', 'cluster name')
      .argument('<node>', 'node name (a control plane or worker of the cluster)')
      .option('--detach', 'request it and return at once'),
  ).action(async (cluster: string, node: string, opts: Omit<RejoinOptions, 'cluster' | 'node'>) => {
    await runRejoin({ ...opts, cluster, node });
  });
}
