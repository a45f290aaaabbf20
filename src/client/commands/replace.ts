import type { Command } from 'commander';
import { followOperation } from '../follow-operation';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

export interface ReplaceOptions extends TemporalFlags {
  cluster: string;
  node: string;
  /** `--new-address`: `--address` is the Temporal server's, as on every command. */
  newAddress: string;
  detach?: boolean;
  /** Tests and embedding only: the CLI records the caller's identity. */
  by?: string;
  stdout?: NodeJS.WritableStream;
}

/**
 * Asks the cluster's workflow to replace a node whose host is gone by a fresh host at a new
 * address: the rejoin's remove-and-join with the new host joined under the node's name (nothing
 * run on the old host), the certSANs and HAProxy backends moved to the new address, the record updated.
 */
export async function runReplace(opts: ReplaceOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  await withKubehaClient(opts, async (kubeha) => {
    const accepted = await kubeha.requestReplace(opts.cluster, { node: opts.node, address: opts.newAddress }, opts.by ?? callerIdentity(opts));
    const where = accepted.queuePosition === 0 ? 'starts now' : `queued behind ${accepted.queuePosition} operation(s)`;
    stdout.write(`replace of ${opts.node} by the host at ${opts.newAddress} in ${opts.cluster} accepted as ${accepted.operationId} (${where}; workflow ${accepted.workflowId})\n`);
    const update = `change ${opts.node}'s address to ${opts.newAddress} in your spec file too: kubeha apply -f with the old address would be a difference it refuses`;
    if (opts.detach) {
      stdout.write(`follow it with: kubeha ops ${opts.cluster}\nonce it succeeded, ${update}\n`);
      return;
    }
    await followOperation(kubeha, opts.cluster, accepted.operationId, { out: stdout });
    stdout.write(`the cluster record has ${opts.node} at ${opts.newAddress}; ${update}\n`);
  });
}

export function registerReplace(program: Command): void {
  withTemporalOptions(
    program
      .command('replace')
      .description("Replace a node whose host is gone by a fresh host at a new address (same node name): its etcd member and Node removed (never losing quorum), the new host joined, certSANs and HAProxy backends updated, after the operations queued before it")
      .argument('<cluster>', 'cluster name')
      .argument('<node>', 'node name (a control plane or worker of the cluster)')
      .requiredOption('--new-address <address>', "the new host's address (reachable over SSH, its host key in known_hosts unless ssh.acceptNewHostKeys)")
      .option('--detach', 'request it and return at once'),
  ).action(async (cluster: string, node: string, opts: Omit<ReplaceOptions, 'cluster' | 'node'>) => {
    await runReplace({ ...opts, cluster, node });
  });
}
