import type { Command } from 'commander';
import type { DrillProgress, OperationRecord } from '../../shared/operations';
import { formatDuration, parseDuration } from '../../spec/duration';
import { formatDrillTable } from '../../workflows/drill/table';
import { DEFAULT_DRILL_MAX_OUTAGE_MS } from '../../workflows/drill/tuning';
import { MAX_OUTAGE_LIMIT_MS } from '../../workflows/drill/validate';
import { withDeadline } from '../deadline';
import { UsageError } from '../errors';
import { followOperation } from '../follow-operation';
import { drillJson, jsonText } from '../json-output';
import type { KubehaClient } from '../kubeha-client';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

export interface DrillOptions extends TemporalFlags {
  cluster: string;
  /** `10s`, `2500ms`: the longest /readyz outage through the endpoint the drill accepts. */
  maxOutage?: string;
  detach?: boolean;
  /** Tests and embedding only: the CLI records the caller's identity. */
  by?: string;
  /** Tests only: the drill's probe window and timeouts. */
  tuning?: Record<string, number>;
  /** Print the result as JSON on stdout (docs/CLI-JSON.md); progress goes to stderr. */
  json?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** The table (or, with --json, the document) of how the drill went, printed whether it passed or not. */
async function printResult(kubeha: KubehaClient, opts: DrillOptions, operationId: string, workflowId: string, out: NodeJS.WritableStream): Promise<void> {
  const progress = await withDeadline(kubeha.operationProgress<DrillProgress>(workflowId), 15_000).catch(() => undefined);
  if (opts.json) {
    const op = await kubeha.operation(opts.cluster, operationId).catch(() => undefined);
    (opts.stdout ?? process.stdout).write(jsonText(drillJson(opts.cluster, op, progress)));
    return;
  }
  if (!progress?.rows) return;
  out.write(`\n${formatDrillTable(progress.rows)}`);
}

/**
 * Asks the cluster's workflow for a failover drill and follows it; prints the table (one row per
 * control plane) when it ends. A failed drill exits 1 with the reason, after the table.
 */
export async function runDrill(opts: DrillOptions): Promise<OperationRecord | undefined> {
  const stdout = opts.json ? (opts.stderr ?? process.stderr) : (opts.stdout ?? process.stdout);
  const maxOutageMs = opts.maxOutage === undefined ? DEFAULT_DRILL_MAX_OUTAGE_MS : parseDuration(opts.maxOutage);
  if (maxOutageMs === undefined || maxOutageMs > MAX_OUTAGE_LIMIT_MS) throw new UsageError(`--max-outage must be a duration like 10s or 2500ms, at most ${formatDuration(MAX_OUTAGE_LIMIT_MS)} (got "${opts.maxOutage}")`);
  return withKubehaClient(opts, async (kubeha) => {
    const accepted = await kubeha.request(opts.cluster, { kind: 'drill', maxOutageMs, ...(opts.tuning ? { tuning: opts.tuning } : {}), requestedBy: opts.by ?? callerIdentity(opts) });
    const where = accepted.queuePosition === 0 ? 'starts now' : `queued behind ${accepted.queuePosition} operation(s)`;
    stdout.write(`failover drill of ${opts.cluster} accepted as ${accepted.operationId} (${where}; workflow ${accepted.workflowId}); outage bound ${formatDuration(maxOutageMs)}\n`);
    if (opts.detach) {
      stdout.write(`follow it with: kubeha ops ${opts.cluster}\n`);
      return undefined;
    }
    try {
      const op = await followOperation(kubeha, opts.cluster, accepted.operationId, { out: stdout });
      await printResult(kubeha, opts, accepted.operationId, accepted.workflowId, stdout);
      return op;
    } catch (err) {
      await printResult(kubeha, opts, accepted.operationId, accepted.workflowId, stdout);
      throw err;
    }
  });
}

export function registerDrill(program: Command): void {
  withTemporalOptions(
    program
      .command('drill')
      .description('Stop one control plane at a time (API server and etcd), check the endpoint keeps answering /readyz and etcd keeps quorum, restore it; prints a table')
      .argument('<cluster>', 'cluster name')
      .option('--max-outage <duration>', `longest /readyz outage through the endpoint accepted (default ${formatDuration(DEFAULT_DRILL_MAX_OUTAGE_MS)})`)
      .option('--detach', 'request it and return at once')
      .option('--json', 'print the result (one row per control plane) as JSON on stdout; progress goes to stderr'),
  ).action(async (cluster: string, opts: Omit<DrillOptions, 'cluster'>) => {
    await runDrill({ ...opts, cluster });
  });
}
