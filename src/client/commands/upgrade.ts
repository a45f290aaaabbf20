import type { Command } from 'commander';
import { formatPlan } from '../../plan/format';
import { planUpgradeSteps } from '../../plan/upgrade-steps';
import { parseKubernetesVersion, upgradeProblem } from '../../spec/version';
import { OperationError, UsageError } from '../errors';
import { followOperation } from '../follow-operation';
import { jsonText, upgradeDryRunJson } from '../json-output';
import { wholeNumber } from '../number-options';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

export interface UpgradeOptions extends TemporalFlags {
  cluster: string;
  to: string;
  maxUnavailable?: string;
  dryRun?: boolean;
  /** With --dry-run: the order as JSON (docs/CLI-JSON.md). */
  json?: boolean;
  detach?: boolean;
  /** Tests and embedding only: the CLI records the caller's identity. */
  by?: string;
  stdout?: NodeJS.WritableStream;
}

/**
 * Asks the cluster's workflow for an upgrade. kubeadm's skew rules are checked by the cluster
 * workflow before anything is queued; `--dry-run` checks them against the record and prints the
 * upgrade's declared steps with their hosts (what the workflow would run), touching nothing.
 */
export async function runUpgrade(opts: UpgradeOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  if (!parseKubernetesVersion(opts.to)) throw new UsageError(`--to must be a Kubernetes release vX.Y.Z (got "${opts.to}")`);
  const maxUnavailable = opts.maxUnavailable === undefined ? 1 : wholeNumber('--max-unavailable', opts.maxUnavailable, 1);
  if (opts.dryRun && opts.detach) throw new UsageError('--dry-run and --detach exclude each other');
  if (opts.json && !opts.dryRun) throw new UsageError('--json goes with --dry-run (follow a running upgrade as JSON with kubeha status --json or kubeha ops --json)');
  await withKubehaClient(opts, async (kubeha) => {
    if (opts.dryRun) {
      const record = await kubeha.record(opts.cluster);
      if (!record.kubernetesVersion || !record.spec) throw new OperationError(`cluster ${opts.cluster} has no successful bring-up to upgrade`, `see kubeha ops ${opts.cluster}`);
      const problem = upgradeProblem(record.kubernetesVersion, opts.to);
      if (problem) throw new OperationError(`cluster ${opts.cluster} runs ${record.kubernetesVersion}: ${problem}`);
      const spec = { ...record.spec, kubernetesVersion: record.kubernetesVersion };
      const waitsBehind = record.queue.length + (record.current ? 1 : 0);
      if (opts.json) {
        const steps = planUpgradeSteps(spec, opts.to, maxUnavailable);
        stdout.write(jsonText(upgradeDryRunJson({ cluster: opts.cluster, from: record.kubernetesVersion, to: opts.to, maxUnavailable, waitsBehind, steps })));
        return;
      }
      stdout.write(`would upgrade ${opts.cluster} from ${record.kubernetesVersion} to ${opts.to} (nothing requested):\n`);
      stdout.write(formatPlan(planUpgradeSteps(spec, opts.to, maxUnavailable), { cluster: opts.cluster }));
      if (waitsBehind) stdout.write(`it would wait behind ${waitsBehind} operation(s): see kubeha ops ${opts.cluster}\n`);
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
      .option('--json', 'with --dry-run: the order as JSON')
      .option('--detach', 'request it and return at once'),
  ).action(async (cluster: string, opts: Omit<UpgradeOptions, 'cluster'>) => {
    await runUpgrade({ ...opts, cluster });
  });
}
