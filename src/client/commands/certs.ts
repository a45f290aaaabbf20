import type { Command } from 'commander';
import { formatCertificateTable } from '../../certificates/expiration';
import { DEFAULT_RENEW_WITHIN_DAYS, certificatesScheduleId, type CertificatesResult } from '../../shared/operations';
import { parseDuration } from '../../spec/duration';
import { OperationError, UsageError } from '../errors';
import { followOperation } from '../follow-operation';
import { certificatesJson, jsonText } from '../json-output';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

const DAY_MS = 86_400_000;
const JSON_HELP = 'print the result (per-host certificates, warnings) as JSON on stdout; progress goes to stderr';

/** `30d`, `12h`, `1d12h`, `90m`: days plus kubeha's usual h/m/s units. */
export function parseDaysDuration(flag: string, text: string): number {
  const m = /^(?:(\d+)d)?(.*)$/.exec(text.trim());
  const days = Number(m?.[1] ?? 0);
  const rest = m?.[2] ?? '';
  const restMs = rest === '' ? 0 : parseDuration(rest);
  if (restMs === undefined || (days === 0 && rest === '')) throw new UsageError(`${flag} must be a duration like 30d, 12h or 1d12h (got "${text}")`);
  return days * DAY_MS + restMs;
}

export interface CertsOptions extends TemporalFlags {
  cluster: string;
  action: 'check' | 'renew';
  /** Renewal threshold, e.g. `30d` (whole days). */
  within?: string;
  detach?: boolean;
  /** Print the result as JSON on stdout (docs/CLI-JSON.md); progress goes to stderr. */
  json?: boolean;
  by?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Asks the cluster workflow for a certificates check or renewal, follows it and prints the per-host table (or JSON). */
export async function runCerts(opts: CertsOptions): Promise<CertificatesResult | undefined> {
  const stdout = opts.json ? (opts.stderr ?? process.stderr) : (opts.stdout ?? process.stdout);
  let renewWithinDays = DEFAULT_RENEW_WITHIN_DAYS;
  if (opts.within !== undefined) {
    const ms = parseDaysDuration('--within', opts.within);
    if (ms % DAY_MS !== 0 || ms / DAY_MS > 3650) throw new UsageError(`--within must be whole days from 1d to 3650d (got "${opts.within}")`);
    renewWithinDays = ms / DAY_MS;
  }
  return withKubehaClient(opts, async (kubeha) => {
    const accepted = await kubeha.request(opts.cluster, { kind: 'certificates', action: opts.action, renewWithinDays, requestedBy: opts.by ?? callerIdentity(opts) });
    const where = accepted.queuePosition === 0 ? 'starts now' : `queued behind ${accepted.queuePosition} operation(s)`;
    stdout.write(`certificates ${opts.action} of ${opts.cluster} (renew within ${renewWithinDays} days) accepted as ${accepted.operationId} (${where}; workflow ${accepted.workflowId})\n`);
    if (opts.detach) {
      stdout.write(`follow it with: kubeha ops ${opts.cluster}\n`);
      return undefined;
    }
    const op = await followOperation(kubeha, opts.cluster, accepted.operationId, { out: stdout });
    const result = await kubeha.operationResult<CertificatesResult>(accepted.workflowId);
    if (opts.json) {
      (opts.stdout ?? process.stdout).write(jsonText(certificatesJson(opts.cluster, op, result)));
      return result;
    }
    stdout.write(`\n${formatCertificateTable(result.hosts, Date.now())}`);
    stdout.write(`earliest expiry: ${result.earliestExpiry ?? 'unknown'}${result.renewed.length ? `; renewed on ${result.renewed.join(', ')}` : ''}\n`);
    for (const w of result.warnings) stdout.write(`warning: ${w}\n`);
    return result;
  });
}

export interface CertsScheduleOptions extends TemporalFlags {
  cluster: string;
  every?: string;
  within?: string;
  delete?: boolean;
  stdout?: NodeJS.WritableStream;
}

/** Creates, updates or deletes the cluster's Schedule `kubeha-certs-<cluster>` (default: weekly). */
export async function runCertsSchedule(opts: CertsScheduleOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const id = certificatesScheduleId(opts.cluster);
  if (opts.delete && (opts.every || opts.within)) throw new UsageError('--delete takes no --every or --within');
  const everyMs = parseDaysDuration('--every', opts.every ?? '7d');
  if (everyMs < 60_000) throw new UsageError(`--every must be at least 1m (got "${opts.every}")`);
  const within = opts.within === undefined ? undefined : parseDaysDuration('--within', opts.within) / DAY_MS;
  if (within !== undefined && (!Number.isInteger(within) || within < 1 || within > 3650)) throw new UsageError(`--within must be whole days from 1d to 3650d (got "${opts.within}")`);
  await withKubehaClient(opts, async (kubeha) => {
    if (opts.delete) {
      const deleted = await kubeha.deleteCertificateSchedule(opts.cluster);
      stdout.write(deleted ? `schedule ${id} deleted\n` : `cluster ${opts.cluster} has no schedule ${id}\n`);
      return;
    }
    const record = await kubeha.record(opts.cluster);
    if (!record.spec) throw new OperationError(`cluster ${opts.cluster} has no bring-up yet`, `bring it up first with kubeha up -f <spec>`);
    const description = await kubeha.scheduleCertificateChecks(opts.cluster, { everyMs, ...(within !== undefined ? { renewWithinDays: within } : {}) });
    const next = description.info.nextActionTimes[0];
    stdout.write(`schedule ${id}: a certificates check of ${opts.cluster} every ${opts.every ?? '7d'}${next ? `, next at ${next.toISOString()}` : ''}\n`);
  });
}

export function registerCerts(program: Command): void {
  const certs = program.command('certs').description("kubeadm certificates of a cluster's control planes: check, renew, schedule the check");
  withTemporalOptions(certs.command('check').description('kubeadm certs check-expiration on every control plane, as an operation of the cluster').argument('<cluster>', 'cluster name').option('--detach', 'request it and return at once').option('--json', JSON_HELP)).action(
    async (cluster: string, opts: Omit<CertsOptions, 'cluster' | 'action'>) => {
      await runCerts({ ...opts, cluster, action: 'check' });
    },
  );
  withTemporalOptions(
    certs
      .command('renew')
      .description('renew the certificates expiring within --within, one control plane at a time (static Pods restarted, the new certificate verified)')
      .argument('<cluster>', 'cluster name')
      .option('--within <days>', `renewal threshold, e.g. 30d (default ${DEFAULT_RENEW_WITHIN_DAYS}d)`)
      .option('--detach', 'request it and return at once')
      .option('--json', JSON_HELP),
  ).action(async (cluster: string, opts: Omit<CertsOptions, 'cluster' | 'action'>) => {
    await runCerts({ ...opts, cluster, action: 'renew' });
  });
  withTemporalOptions(
    certs
      .command('schedule')
      .description('create, update or delete the Temporal Schedule kubeha-certs-<cluster> that checks the certificates')
      .argument('<cluster>', 'cluster name')
      .option('--every <duration>', 'how often, e.g. 7d, 1d, 12h (default 7d)')
      .option('--within <days>', 'threshold the check reports against (default 30d)')
      .option('--delete', 'delete the schedule'),
  ).action(async (cluster: string, opts: Omit<CertsScheduleOptions, 'cluster'>) => {
    await runCertsSchedule({ ...opts, cluster });
  });
}
