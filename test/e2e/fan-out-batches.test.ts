import type { temporal } from '@temporalio/proto';
import { bringUpWorkflowId } from '../../src/shared/workflow-ids';
import { COMMANDS_PER_WORKFLOW_TASK } from '../../src/workflows/interceptors';
import { FAST_TUNING, harness, useWorkflowEnvironment } from './workflow-harness';

jest.setTimeout(240_000);

const wf = useWorkflowEnvironment();

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The workflow task that started each activity or child workflow. */
function issuingTask(event: HistoryEvent): number | undefined {
  const attributes = event.activityTaskScheduledEventAttributes ?? event.startChildWorkflowExecutionInitiatedEventAttributes;
  return attributes?.workflowTaskCompletedEventId ? Number(attributes.workflowTaskCompletedEventId) : undefined;
}

it('starts at most 100 activities and child workflows per workflow task across a 3+240 bring-up, and every worker joins', async () => {
  const h = await harness(wf.env, wf.bundle, { controlPlanes: 3, workers: 240, maxConcurrentJoins: 240 });
  const result = await h.run(async () => {
    await h.client.startBringUp(h.spec, { requestedBy: 'test@jest', tuning: FAST_TUNING });
    return h.client.result(h.spec.name);
  });
  expect(result.outcome).toBe('succeeded');
  expect(new Set(h.fake.named('joinNode').map((c) => c.host)).size).toBe(243 - 1);

  const events = (await wf.env.client.workflow.getHandle(bringUpWorkflowId(h.spec.name)).fetchHistory()).events ?? [];
  const perTask = new Map<number, number>();
  for (const event of events) {
    const task = issuingTask(event);
    if (task !== undefined) perTask.set(task, (perTask.get(task) ?? 0) + 1);
  }
  const largest = Math.max(...perTask.values());
  // 242 preflights and 240 joins (each unblocked by its preflight, many at once) go out in full batches.
  expect(largest).toBe(COMMANDS_PER_WORKFLOW_TASK);
  // The load balancer's configuration, asked for just after the joining hosts' preflight, goes out
  // ahead of the preflights still waiting for their batch (they are queued at a lower priority).
  const scheduled = (type: string) => events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type).map((e) => Number(e.eventId));
  expect(Math.min(...scheduled('configureLoadBalancer'))).toBeLessThan(Math.max(...scheduled('preflight')));
});
