import type { Command } from 'commander';
import { parseKubernetesVersion, upgradeProblem } from '../../spec/version';
import { OperationError, UsageError } from '../errors';
import { followOperation } from '../follow-operation';
import { wholeNumber } from '../number-options';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

export interface UpgradeOptions extends TemporalFlags {
  cluster: string;
  to: string;
  maxUnavailable?: string;
  dryRun?: boolean;
  detach?: boolean;
  /** Tests and embedding only: the CLI records the caller's identity. */
  by?: string;
  stdout?: NodeJS.WritableStream;
}

/**
 * Asks the cluster's workflow for an upgrade. kubeadm's skew rules are checked by the cluster
 * workflow before anything is queued; `--dry-run` checks them against the record and prints the
 * order hosts would be taken in, touching nothing.
 */
export async function runUpgrade(opts: UpgradeOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  if (!parseKubernetesVersion(opts.to)) throw new UsageError(`--to must be a Kubernetes release vX.Y.Z (got "${opts.to}")`);
  const maxUnavailable = opts.maxUnavailable === undefined ? 1 : wholeNumber('--max-unavailable', opts.maxUnavailable, 1);
  if (opts.dryRun && opts.detach) throw new UsageError('--dry-run and --detach exclude each other');
  await withKubehaClient(opts, async (kubeha) => {
    if (opts.dryRun) {
      const record = await kubeha.record(opts.cluster);
      if (!record.kubernetesVersion || !record.spec) throw new OperationError(`cluster ${opts.cluster} has no successful bring-up to upgrade`, `see kubeha ops ${opts.cluster}`);
      const problem = upgradeProblem(record.kubernetesVersion, opts.to);
      if (problem) throw new OperationError(`cluster ${opts.cluster} runs ${record.kubernetesVersion}: ${problem}`);
      const hosts = record.spec.hosts;
      const controlPlanes = hosts.filter((h) => h.role === 'control-plane').map((h) => h.name);
      const workers = hosts.filter((h) => h.role === 'worker').map((h) => h.name);
      stdout.write(`would upgrade ${opts.cluster} from ${record.kubernetesVersion} to ${opts.to} (nothing requested):\n`);
      stdout.write(`  ${controlPlanes[0]}: kubeadm ${opts.to}, kubeadm upgrade plan, gate before-upgrade-apply, kubeadm upgrade apply ${opts.to}, drain, kubelet/kubectl, uncordon\n`);
      for (const cp of controlPlanes.slice(1)) stdout.write(`  ${cp}: kubeadm upgrade node, drain, kubelet/kubectl, uncordon, etcd verified\n`);
      for (let i = 0; i < workers.length; i += maxUnavailable) stdout.write(`  ${workers.slice(i, i + maxUnavailable).join(', ')}: kubeadm upgrade node, drain, kubelet/kubectl, uncordon\n`);
      if (record.current || record.queue.length) stdout.write(`it would wait behind ${record.queue.length + (record.current ? 1 : 0)} operation(s): see kubeha ops ${opts.cluster}\n`);
      return;
    }
    const accepted = await kubeha.requestUpgrade(opts.cluster, { to: opts.to, maxUnavailable }, opts.by ?? callerIdentity(opts));
    const where = accepted.queuePosition === 0 ? 'starts now' : `queued behind ${accepted.queuePosition} operation(s)`;
    stdout.write(`upgrade of ${opts.cluster} to ${opts.to} accepted as ${accepted.operationId} (${where}; workflow ${accepted.workflowId})\n`);
    if (opts.detach) {
      stdout.write(`follow it with: kubeha ops ${opts.cluster}\n`);
      return;
    }
    await followOperation(kubeha, opts.cluster, accepted.operationId, { out: stdout });
  });
}

export function registerUpgrade(program: Command): void {
  withTemporalOptions(
    program
      .command('upgrade')
      .description("Upgrade a cluster's Kubernetes one minor release at a time (kubeadm's procedure), after the operations queued before it")
      .argument('<cluster>', 'cluster name')
      .requiredOption('--to <version>', 'target release vX.Y.Z (same minor, or the next one)')
      .option('--max-unavailable <n>', 'workers drained at once (default 1)')
      .option('--dry-run', 'check the skew rules against the cluster record and print the order, touching nothing')
      .option('--detach', 'request it and return at once'),
  ).action(async (cluster: string, opts: Omit<UpgradeOptions, 'cluster'>) => {
    await runUpgrade({ ...opts, cluster });
  });
}
