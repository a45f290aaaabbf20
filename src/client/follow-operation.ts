import type { OperationRecord } from '../shared/operations';
import { withDeadline } from './deadline';
import { OperationError } from './errors';
import type { KubehaClient } from './kubeha-client';
import { renderFrame } from './live/frame';
import { operationView, type LiveStep, type OperationProgressLike } from './live/live-view';
import { liveTerminal } from './live/terminal';
import { operationLine } from './render-operations';
import { OutagePatience } from './server-outage';

export interface FollowOperationOptions {
  out: NodeJS.WritableStream;
  intervalMs?: number;
}

type StepLike = Pick<LiveStep, 'id' | 'status'> & { hosts?: LiveStep['hosts'] };

/** One line per step or host whose status changed since the last look (any operation's progress query). */
function stepChanges(before: StepLike[] | undefined, after: StepLike[]): string[] {
  const lines: string[] = [];
  for (const step of after) {
    const old = before?.find((s) => s.id === step.id);
    if (!old || old.status !== step.status) {
      if (step.status !== 'pending') lines.push(`${step.id}: ${step.status}`);
    }
    const earlier = new Map(old?.hosts?.map((h) => [h.host, h]));
    for (const host of step.hosts ?? []) {
      const oldHost = earlier.get(host.host);
      if ((oldHost?.status ?? 'pending') !== host.status) lines.push(`  ${step.id} ${host.host}: ${host.status}`);
    }
  }
  return lines;
}

/**
 * Shows an operation's way from the queue to its end: its state in the cluster record and its
 * child workflow's progress, on a terminal as a live view redrawn in place, elsewhere as a line
 * per change. A failed, rejected, aborted or cancelled operation throws OperationError (exit 1).
 */
export async function followOperation(kubeha: KubehaClient, cluster: string, operationId: string, options: FollowOperationOptions): Promise<OperationRecord> {
  const live = liveTerminal(options.out);
  const say = (text: string): void => (live ? live.log(text) : void options.out.write(`${text}\n`));
  let lastState: string | undefined;
  let steps: StepLike[] | undefined;
  const shownGates = new Set<string>();
  const patience = new OutagePatience({ say, hint: `kubeha ops ${cluster}` });
  try {
    for (;;) {
      const op = await patience.read(() => kubeha.operation(cluster, operationId));
      if (!op) throw new OperationError(`cluster ${cluster} has no operation ${operationId}`, `see kubeha ops ${cluster}`);
      if (op.state !== lastState && op.state !== 'ended') say(operationLine(op));
      lastState = op.state;
      const progress = op.runId ? await withDeadline(kubeha.operationProgress<OperationProgressLike>(op.workflowId), 10_000).catch(() => undefined) : undefined;
      if (progress?.steps && !live) {
        for (const line of stepChanges(steps, progress.steps)) options.out.write(`${line}\n`);
      }
      if (progress?.steps) steps = progress.steps;
      for (const { gate } of progress?.pendingApprovals ?? []) {
        if (shownGates.has(gate)) continue;
        shownGates.add(gate);
        if (progress?.plan) say(progress.plan.trimEnd().split('\n').map((l) => `  | ${l}`).join('\n'));
        // On a terminal the live view shows the gate and its commands for as long as it waits.
        if (!live) options.out.write(`waiting for approval at ${gate}: kubeha approve ${cluster} ${gate} (or kubeha reject ${cluster} ${gate} --reason ...)\n`);
      }
      if (live && (op.runId || op.state === 'queued')) {
        const view = operationView(cluster, op, progress);
        live.show((size) => renderFrame(view, Date.now(), size));
      }
      if (op.state === 'ended') {
        live?.stop();
        options.out.write(`${operationLine(op)}\n`);
        if (op.outcome !== 'succeeded') throw new OperationError(`${op.id} on ${cluster} ${op.outcome}${op.message ? `: ${op.message}` : ''}`, `see kubeha ops ${cluster}`);
        return op;
      }
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
    }
  } finally {
    live?.stop();
  }
}
