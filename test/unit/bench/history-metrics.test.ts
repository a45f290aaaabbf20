import type { BenchEvent, WorkflowHistory } from '../../../bench/history-metrics';
import { activityRuns, completedToNextMs, joinAttempts, overheadFigures, scheduleToStartMs } from '../../../bench/history-metrics';
import { eventTypeName } from '../../../bench/histories';
import { bringUpFigures } from '../../../bench/bring-up-figures';

/**
 * A workflow that schedules two activities in parallel (2 and 3), waits for both, then schedules
 * a third (9); the second one needed two attempts. Times in ms.
 */
const events: BenchEvent[] = [
  { id: 1, type: 'WorkflowExecutionStarted', timeMs: 0 },
  { id: 2, type: 'WorkflowTaskCompleted', timeMs: 10 },
  { id: 3, type: 'ActivityTaskScheduled', timeMs: 10, activityType: 'preflight', workflowTaskCompletedEventId: 2, summary: 'preflight cp1' },
  { id: 4, type: 'ActivityTaskScheduled', timeMs: 10, activityType: 'preflight', workflowTaskCompletedEventId: 2, summary: 'preflight w1' },
  { id: 5, type: 'ActivityTaskStarted', timeMs: 15, scheduledEventId: 3, attempt: 1 },
  { id: 6, type: 'ActivityTaskCompleted', timeMs: 100, scheduledEventId: 3 },
  // The first completion unblocks nothing: its sibling still runs.
  { id: 7, type: 'WorkflowTaskCompleted', timeMs: 120 },
  { id: 8, type: 'ActivityTaskStarted', timeMs: 2_000, scheduledEventId: 4, attempt: 2 },
  { id: 9, type: 'ActivityTaskCompleted', timeMs: 2_300, scheduledEventId: 4 },
  { id: 10, type: 'WorkflowTaskCompleted', timeMs: 2_340 },
  { id: 11, type: 'ActivityTaskScheduled', timeMs: 2_345, activityType: 'initControlPlane', workflowTaskCompletedEventId: 10 },
  { id: 12, type: 'ActivityTaskStarted', timeMs: 2_365, scheduledEventId: 11, attempt: 1 },
  { id: 13, type: 'ActivityTaskCompleted', timeMs: 9_000, scheduledEventId: 11 },
  { id: 14, type: 'WorkflowTaskCompleted', timeMs: 9_050 },
  { id: 15, type: 'WorkflowExecutionCompleted', timeMs: 9_050, workflowTaskCompletedEventId: 14 },
];

it('pairs each activity with its last attempt and outcome', () => {
  const runs = activityRuns(events);
  expect(runs.map((r) => [r.activityType, r.summary, r.attempt, r.outcome])).toEqual([
    ['preflight', 'preflight cp1', 1, 'completed'],
    ['preflight', 'preflight w1', 2, 'completed'],
    ['initControlPlane', undefined, 1, 'completed'],
  ]);
});

it('measures scheduled -> started on first attempts only (a retried start includes the backoff)', () => {
  expect(scheduleToStartMs(activityRuns(events))).toEqual([5, 20]);
});

it('measures completed -> next scheduled only for completions that led the workflow to schedule work', () => {
  expect(completedToNextMs(events)).toEqual([45]);
});

it('counts a still-running activity as pending, without a start-up sample', () => {
  const running = events.slice(0, 4);
  expect(activityRuns(running).map((r) => r.outcome)).toEqual(['pending', 'pending']);
  expect(scheduleToStartMs(activityRuns(running))).toEqual([]);
});

it('sums overhead and attempts over histories, and join attempts over runs of one join', () => {
  const history = (id: string, evs: BenchEvent[]): WorkflowHistory => ({ workflowId: id, runId: 'r', workflowType: 'joinHost', events: evs, bytes: 0 });
  const join = (attempt: number): BenchEvent[] => [
    { id: 1, type: 'WorkflowExecutionStarted', timeMs: 0 },
    { id: 5, type: 'ActivityTaskScheduled', timeMs: 10, activityType: 'joinNode', workflowTaskCompletedEventId: 4 },
    { id: 6, type: 'ActivityTaskStarted', timeMs: 12, scheduledEventId: 5, attempt },
    { id: 7, type: 'ActivityTaskCompleted', timeMs: 50, scheduledEventId: 5 },
  ];
  const figures = overheadFigures([history('main', events), history('j', join(3))]);
  expect(figures.activities).toBe(4);
  expect(figures.maxAttempt).toBe(3);
  expect(figures.activitiesRetried).toBe(2);
  expect(figures.retriedByType).toEqual({ preflight: 1, joinNode: 1 });
  expect(figures.scheduledToStartedMs.count).toBe(2);
  expect(joinAttempts([history('j', join(3)), history('j', join(1))])).toBe(4);
});

it('names event types as the history shows them', () => {
  expect(eventTypeName(10)).toBe('ActivityTaskScheduled');
  expect(eventTypeName(1)).toBe('WorkflowExecutionStarted');
});

it("spans the control-plane joins as they ran: the first joining control plane's joinNode start to the last one's end", () => {
  const joinOf = (host: string, startedMs: number, endedMs: number): WorkflowHistory => ({
    workflowId: `kubeha-bringup-x-join-${host}`,
    runId: 'r',
    workflowType: 'joinHost',
    bytes: 0,
    events: [
      { id: 1, type: 'WorkflowExecutionStarted', timeMs: startedMs - 20 },
      { id: 5, type: 'ActivityTaskScheduled', timeMs: startedMs - 1, activityType: 'joinNode', workflowTaskCompletedEventId: 4 },
      { id: 6, type: 'ActivityTaskStarted', timeMs: startedMs, scheduledEventId: 5, attempt: 1 },
      { id: 7, type: 'ActivityTaskCompleted', timeMs: endedMs, scheduledEventId: 5 },
    ],
  });
  const bringUp: WorkflowHistory = { workflowId: 'kubeha-bringup-x', runId: 'r', workflowType: 'bringUpCluster', events, bytes: 0 };
  const tree = [bringUp, joinOf('cp3', 6_700, 10_900), joinOf('cp2', 6_710, 15_900), joinOf('w1', 6_720, 8_300)];
  expect(bringUpFigures(tree, 'kubeha-cluster-x', ['cp1', 'cp2', 'cp3']).measured.controlPlaneJoinsMs).toBe(15_900 - 6_700);
  expect(bringUpFigures(tree.slice(0, 2), 'kubeha-cluster-x', ['cp1', 'cp2', 'cp3']).measured.controlPlaneJoinsMs).toBeUndefined();
  expect(bringUpFigures([bringUp], 'kubeha-cluster-x', ['cp1']).measured.controlPlaneJoinsMs).toBeUndefined();
});
