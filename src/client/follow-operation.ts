import type { OperationRecord } from '../shared/operations';
import { withDeadline } from './deadline';
import { OperationError } from './errors';
import type { KubehaClient } from './kubeha-client';
import { operationLine } from './render-operations';
import { OutagePatience } from './server-outage';

export interface FollowOperationOptions {
  out: NodeJS.WritableStream;
  intervalMs?: number;
}

/** What follow reads of any operation's progress query: steps, pending gates, and the upgrade's plan. */
interface OperationProgressLike {
  steps?: StepLike[];
  pendingApprovals?: { gate: string }[];
  plan?: string;
}

interface StepLike {
  id: string;
  title?: string;
  status: string;
  hosts?: { host: string; status: string }[];
}

/** One line per step or host whose status changed since the last look (any operation's progress query). */
function stepChanges(before: StepLike[] | undefined, after: StepLike[]): string[] {
  const lines: string[] = [];
  for (const step of after) {
    const old = before?.find((s) => s.id === step.id);
    if (!old || old.status !== step.status) {
      if (step.status !== 'pending') lines.push(`${step.id}: ${step.status}`);
    }
    for (const host of step.hosts ?? []) {
      const oldHost = old?.hosts?.find((h) => h.host === host.host);
      if ((oldHost?.status ?? 'pending') !== host.status) lines.push(`  ${step.id} ${host.host}: ${host.status}`);
    }
  }
  return lines;
}

/**
 * Prints an operation's way from the queue to its end: its state in the cluster record and the
 * step/host changes of its child workflow's progress. A failed, rejected, aborted or cancelled
 * operation throws OperationError (exit 1).
 */
export async function followOperation(kubeha: KubehaClient, cluster: string, operationId: string, options: FollowOperationOptions): Promise<OperationRecord> {
  let lastState: string | undefined;
  let steps: StepLike[] | undefined;
  const shownGates = new Set<string>();
  const patience = new OutagePatience({ out: options.out, hint: `kubeha ops ${cluster}` });
  for (;;) {
    const op = await patience.read(() => kubeha.operation(cluster, operationId));
    if (!op) throw new OperationError(`cluster ${cluster} has no operation ${operationId}`, `see kubeha ops ${cluster}`);
    if (op.state !== lastState && op.state !== 'ended') options.out.write(`${operationLine(op)}\n`);
    lastState = op.state;
    if (op.runId) {
      const progress = await withDeadline(kubeha.operationProgress<OperationProgressLike>(op.workflowId), 10_000).catch(() => undefined);
      if (progress?.steps) {
        for (const line of stepChanges(steps, progress.steps)) options.out.write(`${line}\n`);
        steps = progress.steps;
      }
      for (const { gate } of progress?.pendingApprovals ?? []) {
        if (shownGates.has(gate)) continue;
        shownGates.add(gate);
        if (progress?.plan) options.out.write(`${progress.plan.trimEnd().split('\n').map((l) => `  | ${l}`).join('\n')}\n`);
        options.out.write(`waiting for approval at ${gate}: kubeha approve ${cluster} ${gate} (or kubeha reject ${cluster} ${gate} --reason ...)\n`);
      }
    }
    if (op.state === 'ended') {
      options.out.write(`${operationLine(op)}\n`);
      if (op.outcome !== 'succeeded') throw new OperationError(`${op.id} on ${cluster} ${op.outcome}${op.message ? `: ${op.message}` : ''}`, `see kubeha ops ${cluster}`);
      return op;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
  }
}
