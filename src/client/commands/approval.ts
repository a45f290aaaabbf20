import type { Command } from 'commander';
import type { ApprovalGate } from '../../spec/types';
import { APPROVAL_GATES, OPERATION_GATES } from '../../shared/messages';
import { UsageError } from '../errors';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

export interface ApprovalOptions extends TemporalFlags {
  cluster: string;
  gate: string;
  /** Tests and embedding only: the CLI takes the caller's identity (callerIdentity), never a typed name. */
  by?: string;
  comment?: string;
  reason?: string;
  stdout?: NodeJS.WritableStream;
}

/** The bring-up's gates and the upgrade's; the client sends a decision to the operation that holds that gate. */
const GATES: readonly ApprovalGate[] = [...APPROVAL_GATES, ...OPERATION_GATES];

function checkGate(gate: string): ApprovalGate {
  if (!(GATES as readonly string[]).includes(gate)) {
    throw new UsageError(`unknown gate ${JSON.stringify(gate)}`, `gates are ${GATES.join(', ')}`);
  }
  return gate as ApprovalGate;
}

export async function runApprove(opts: ApprovalOptions): Promise<void> {
  const gate = checkGate(opts.gate);
  const by = opts.by ?? callerIdentity(opts);
  await withKubehaClient(opts, async (kubeha) => {
    await kubeha.approve(opts.cluster, gate, by, opts.comment);
    (opts.stdout ?? process.stdout).write(`gate ${gate} of ${opts.cluster} approved by ${by}\n`);
  });
}

export async function runReject(opts: ApprovalOptions): Promise<void> {
  const gate = checkGate(opts.gate);
  const by = opts.by ?? callerIdentity(opts);
  if (!opts.reason?.trim()) throw new UsageError('a rejection needs --reason', `kubeha reject ${opts.cluster} ${gate} --reason "why"`);
  await withKubehaClient(opts, async (kubeha) => {
    await kubeha.reject(opts.cluster, gate, by, opts.reason as string);
    (opts.stdout ?? process.stdout).write(`gate ${gate} of ${opts.cluster} rejected by ${by}; the operation ends\n`);
  });
}

export function registerApproval(program: Command): void {
  withTemporalOptions(
    program
      .command('approve')
      .description(`Let an operation waiting at a gate (${GATES.join(', ')}) go on`)
      .argument('<cluster>', 'cluster name')
      .argument('<gate>', GATES.join(' | '))
      .option('--comment <text>', 'why, for the record (you are recorded as the CN of your --tls-cert, or $USER@hostname)'),
  ).action(async (cluster: string, gate: string, opts: Omit<ApprovalOptions, 'cluster' | 'gate'>) => {
    await runApprove({ ...opts, cluster, gate });
  });
  withTemporalOptions(
    program
      .command('reject')
      .description('End an operation waiting at a gate')
      .argument('<cluster>', 'cluster name')
      .argument('<gate>', GATES.join(' | '))
      .requiredOption('--reason <text>', 'why, for the record'),
  ).action(async (cluster: string, gate: string, opts: Omit<ApprovalOptions, 'cluster' | 'gate'>) => {
    await runReject({ ...opts, cluster, gate });
  });
}
