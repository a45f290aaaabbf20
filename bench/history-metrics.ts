/**
 * Orchestration figures from workflow histories, reduced to event ids, types and timestamps
 * (payloads stay encrypted: only activity summaries are decoded, to name a step's host).
 */
import type { Spread } from './stats';
import { spread } from './stats';

/** Event type names without the EVENT_TYPE_ prefix, in PascalCase: `ActivityTaskScheduled`. */
export interface BenchEvent {
  id: number;
  type: string;
  timeMs: number;
  activityType?: string;
  scheduledEventId?: number;
  attempt?: number;
  /** On command events: the workflow task whose completion issued them. */
  workflowTaskCompletedEventId?: number;
  summary?: string;
}

export type ActivityOutcome = 'completed' | 'failed' | 'timed-out' | 'canceled' | 'pending';

export interface ActivityRun {
  scheduledEventId: number;
  activityType: string;
  summary?: string;
  scheduledMs: number;
  /** Start of the last attempt. */
  startedMs?: number;
  endedMs?: number;
  attempt: number;
  outcome: ActivityOutcome;
}

const END_TYPES: Record<string, ActivityOutcome> = {
  ActivityTaskCompleted: 'completed',
  ActivityTaskFailed: 'failed',
  ActivityTaskTimedOut: 'timed-out',
  ActivityTaskCanceled: 'canceled',
};

/** Events a workflow task issues that start the next piece of work. */
const NEXT_WORK = new Set(['ActivityTaskScheduled', 'StartChildWorkflowExecutionInitiated', 'TimerStarted']);

export function activityRuns(events: readonly BenchEvent[]): ActivityRun[] {
  const runs = new Map<number, ActivityRun>();
  for (const e of events) {
    if (e.type === 'ActivityTaskScheduled') {
      runs.set(e.id, { scheduledEventId: e.id, activityType: e.activityType ?? '?', summary: e.summary, scheduledMs: e.timeMs, attempt: 1, outcome: 'pending' });
      continue;
    }
    const run = e.scheduledEventId === undefined ? undefined : runs.get(e.scheduledEventId);
    if (!run) continue;
    if (e.type === 'ActivityTaskStarted') {
      run.startedMs = e.timeMs;
      run.attempt = e.attempt ?? 1;
    } else if (END_TYPES[e.type]) {
      run.endedMs = e.timeMs;
      run.outcome = END_TYPES[e.type] as ActivityOutcome;
    }
  }
  return [...runs.values()];
}

/** Scheduled -> started of first attempts (a retried activity's start is its last attempt's, so it would count backoff). */
export function scheduleToStartMs(runs: readonly ActivityRun[]): number[] {
  return runs.filter((r) => r.startedMs !== undefined && r.attempt === 1).map((r) => (r.startedMs as number) - r.scheduledMs);
}

/**
 * For each completed activity whose completion led the workflow to schedule more work: the time
 * from the completion to the first activity, child or timer issued by the workflow task that saw
 * it. A completion that unblocked nothing (a parallel sibling still running) gives no sample.
 */
export function completedToNextMs(events: readonly BenchEvent[], completedType = 'ActivityTaskCompleted'): number[] {
  const samples: number[] = [];
  const firstWork = new Map<number, number>();
  for (const e of events) {
    if (e.workflowTaskCompletedEventId !== undefined && NEXT_WORK.has(e.type) && !firstWork.has(e.workflowTaskCompletedEventId)) {
      firstWork.set(e.workflowTaskCompletedEventId, e.timeMs);
    }
  }
  const taskCompletions = events.filter((e) => e.type === 'WorkflowTaskCompleted');
  for (const e of events) {
    if (e.type !== completedType) continue;
    const task = taskCompletions.find((t) => t.id > e.id);
    const next = task === undefined ? undefined : firstWork.get(task.id);
    if (next !== undefined) samples.push(next - e.timeMs);
  }
  return samples;
}

/** The last attempt's run time (started -> completed) of a completed activity. */
export function runMs(run: ActivityRun): number | undefined {
  return run.outcome === 'completed' && run.startedMs !== undefined && run.endedMs !== undefined ? run.endedMs - run.startedMs : undefined;
}

export interface WorkflowHistory {
  workflowId: string;
  runId: string;
  workflowType: string;
  events: BenchEvent[];
  bytes: number;
}

export interface OverheadFigures {
  activities: number;
  scheduledToStartedMs: Spread;
  completedToNextScheduledMs: Spread;
  childCompletedToNextMs: Spread;
  maxAttempt: number;
  activitiesRetried: number;
  /** Activities that needed more than one attempt, by activity type. */
  retriedByType: Record<string, number>;
}

export function overheadFigures(histories: readonly WorkflowHistory[]): OverheadFigures {
  const runs = histories.flatMap((h) => activityRuns(h.events));
  return {
    activities: runs.length,
    scheduledToStartedMs: spread(scheduleToStartMs(runs)),
    completedToNextScheduledMs: spread(histories.flatMap((h) => completedToNextMs(h.events))),
    childCompletedToNextMs: spread(histories.flatMap((h) => completedToNextMs(h.events, 'ChildWorkflowExecutionCompleted'))),
    maxAttempt: runs.reduce((m, r) => Math.max(m, r.attempt), 0),
    activitiesRetried: runs.filter((r) => r.attempt > 1).length,
    retriedByType: runs.filter((r) => r.attempt > 1).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.activityType]: (acc[r.activityType] ?? 0) + 1 }), {}),
  };
}

/** Attempts of the `kubeadm join` activity over every run of one host's join workflow. */
export function joinAttempts(histories: readonly WorkflowHistory[], joinActivity = 'joinNode'): number {
  return histories.flatMap((h) => activityRuns(h.events)).filter((r) => r.activityType === joinActivity).reduce((n, r) => n + r.attempt, 0);
}
