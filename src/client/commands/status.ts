import type { Command } from 'commander';
import { withDeadline } from '../deadline';
import { EnvironmentError } from '../errors';
import { positiveNumber } from '../number-options';
import type { KubehaClient } from '../kubeha-client';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { operationLine } from '../render-operations';
import { statusJson, statusText } from '../render-progress';
import { renderFrame } from '../live/frame';
import { bringUpView, operationView, type OperationProgressLike } from '../live/live-view';
import { liveTerminal, type LiveTerminal } from '../live/terminal';
import type { BringUpProgress } from '../../shared/messages';
import type { ClusterRecord } from '../../shared/operations';

export interface StatusOptions extends TemporalFlags {
  cluster: string;
  json?: boolean;
  /** Look again every this many ms until nothing runs or is queued (`--watch`). */
  watchMs?: number;
  queryTimeoutMs?: number;
  stdout?: NodeJS.WritableStream;
}

interface Look {
  workflowStatus: string;
  progress: BringUpProgress;
  record: ClusterRecord | undefined;
  /** Something runs or waits in the queue: a watch goes on. */
  active: boolean;
}

/** One look at the cluster: its bring-up's progress and, when it has one, the cluster workflow's record. */
async function look(kubeha: KubehaClient, opts: StatusOptions): Promise<Look> {
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
  return { workflowStatus, progress, record, active };
}

function snapshotText({ workflowStatus, progress, record }: Look, opts: StatusOptions): string {
  if (opts.json) {
    const operations = record ? { current: record.current, queue: record.queue } : undefined;
    return `${JSON.stringify({ ...statusJson(progress, workflowStatus), ...(operations ? { operations } : {}) }, null, 2)}\n`;
  }
  return `${statusText(progress, workflowStatus)}\n${record ? `\n${operationsLines(record, opts.cluster).join('\n')}\n` : ''}`;
}

function operationsLines(record: ClusterRecord, cluster: string): string[] {
  return [`operations (kubeha ops ${cluster}):`, `  running: ${record.current ? operationLine(record.current) : 'nothing'}`, ...record.queue.map((op, i) => `  queued ${i + 1}: ${operationLine(op)}`)];
}

/** On a terminal: the live view of what runs now (an operation, else the bring-up) above the queue, redrawn in place. */
async function watchLive(kubeha: KubehaClient, opts: StatusOptions, live: LiveTerminal): Promise<void> {
  try {
    for (;;) {
      const seen = await look(kubeha, opts);
      const current = seen.record?.current;
      const progress =
        current && current.kind !== 'bring-up' && current.runId
          ? await withDeadline(kubeha.operationProgress<OperationProgressLike>(current.workflowId), opts.queryTimeoutMs ?? 10_000).catch(() => undefined)
          : undefined;
      const view = current && progress ? operationView(opts.cluster, current, progress) : bringUpView(seen.progress);
      const below = seen.record ? ['', ...operationsLines(seen.record, opts.cluster)] : [];
      live.show((size) => [...renderFrame(view, Date.now(), { ...size, rows: Math.max(2, size.rows - below.length) }), ...below].map((line) => line.slice(0, Math.max(1, size.cols - 1))));
      if (!seen.active) return;
      await new Promise((resolve) => setTimeout(resolve, opts.watchMs));
    }
  } finally {
    live.stop();
  }
}

export async function runStatus(opts: StatusOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  await withKubehaClient(opts, async (kubeha) => {
    if (opts.watchMs === undefined) {
      stdout.write(snapshotText(await look(kubeha, opts), opts));
      return;
    }
    const live = opts.json ? undefined : liveTerminal(stdout);
    if (live) return watchLive(kubeha, opts, live);
    // A pipe (or --json) gets each new state once, stamped.
    let last = '';
    for (;;) {
      const seen = await look(kubeha, opts);
      const text = snapshotText(seen, opts);
      if (text !== last) stdout.write(`${last ? '\n' : ''}--- ${new Date().toISOString()}\n${text}`);
      last = text;
      if (!seen.active) return;
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
      .option('--watch [seconds]', 'look again every few seconds (default 2) until nothing runs or is queued: a terminal shows a live view of what runs, a pipe each new state once'),
  ).action(async (cluster: string, opts: Omit<StatusOptions, 'cluster' | 'watchMs'> & { watch?: true | string }) => {
    const { watch, ...rest } = opts;
    await runStatus({ ...rest, cluster, ...(watch === undefined ? {} : { watchMs: watchInterval(watch) }) });
  });
}

function watchInterval(watch: true | string): number {
  return watch === true ? 2_000 : Math.round(positiveNumber('--watch', watch) * 1000);
}
