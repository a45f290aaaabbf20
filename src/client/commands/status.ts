import type { Command } from 'commander';
import { withDeadline } from '../deadline';
import { EnvironmentError } from '../errors';
import { positiveNumber } from '../number-options';
import type { KubehaClient } from '../kubeha-client';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { operationLine } from '../render-operations';
import { statusJson, statusText } from '../render-progress';

export interface StatusOptions extends TemporalFlags {
  cluster: string;
  json?: boolean;
  /** Look again every this many ms until nothing runs or is queued (`--watch`). */
  watchMs?: number;
  queryTimeoutMs?: number;
  stdout?: NodeJS.WritableStream;
}

/** One look at the cluster: its text (or JSON), and whether anything is still going on. */
async function snapshot(kubeha: KubehaClient, opts: StatusOptions): Promise<{ text: string; active: boolean }> {
  const workflowStatus = await kubeha.status(opts.cluster);
  const progress = await withDeadline(kubeha.progress(opts.cluster), opts.queryTimeoutMs ?? 10_000);
  if (!progress) {
    throw new EnvironmentError(
      `the bring-up of ${opts.cluster} is ${workflowStatus.toLowerCase()}, but no kubeha worker answered its progress query`,
      'start a worker with `kubeha worker` (queries are answered by workers)',
    );
  }
  // The cluster workflow's queue, when there is one (clusters brought up before 0.3.0 have none).
  const record = await withDeadline(kubeha.record(opts.cluster), opts.queryTimeoutMs ?? 10_000).catch(() => undefined);
  const active = workflowStatus === 'RUNNING' || Boolean(record?.current) || (record?.queue.length ?? 0) > 0;
  if (opts.json) {
    const operations = record ? { current: record.current, queue: record.queue } : undefined;
    return { text: `${JSON.stringify({ ...statusJson(progress, workflowStatus), ...(operations ? { operations } : {}) }, null, 2)}\n`, active };
  }
  let text = `${statusText(progress, workflowStatus)}\n`;
  if (record) {
    text += `\noperations (kubeha ops ${opts.cluster}):\n  running: ${record.current ? operationLine(record.current) : 'nothing'}\n`;
    for (const [i, op] of record.queue.entries()) text += `  queued ${i + 1}: ${operationLine(op)}\n`;
  }
  return { text, active };
}

export async function runStatus(opts: StatusOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  await withKubehaClient(opts, async (kubeha) => {
    if (opts.watchMs === undefined) {
      stdout.write((await snapshot(kubeha, opts)).text);
      return;
    }
    // A terminal is redrawn in place; a pipe gets each new state once, stamped.
    const tty = (stdout as { isTTY?: boolean }).isTTY === true;
    let last = '';
    for (;;) {
      const { text, active } = await snapshot(kubeha, opts);
      if (tty) stdout.write(`\x1b[H\x1b[2J${text}`);
      else if (text !== last) stdout.write(`${last ? '\n' : ''}--- ${new Date().toISOString()}\n${text}`);
      last = text;
      if (!active) return;
      await new Promise((resolve) => setTimeout(resolve, opts.watchMs));
    }
  });
}

export function registerStatus(program: Command): void {
  withTemporalOptions(
    program
      .command('status')
      .description("A cluster's bring-up (phase, hosts, etcd members, pending approvals) and its running and queued operations")
      .argument('<cluster>', 'cluster name (metadata.name of its spec)')
      .option('--json', 'machine-readable output')
      .option('--watch [seconds]', 'look again every few seconds (default 2) until nothing runs or is queued; a terminal is redrawn in place'),
  ).action(async (cluster: string, opts: Omit<StatusOptions, 'cluster' | 'watchMs'> & { watch?: true | string }) => {
    const { watch, ...rest } = opts;
    await runStatus({ ...rest, cluster, ...(watch === undefined ? {} : { watchMs: watchInterval(watch) }) });
  });
}

function watchInterval(watch: true | string): number {
  return watch === true ? 2_000 : Math.round(positiveNumber('--watch', watch) * 1000);
}
