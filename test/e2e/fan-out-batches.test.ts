import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { bringUpWorkflowId } from '../../src/shared/workflow-ids';
import { STARTS_PER_WORKFLOW_TASK } from '../../src/workflows/pacing';
import { testEnv } from '../helpers/temporal';
import { bundleWorkflows, FAST_TUNING, harness } from './workflow-harness';

jest.setTimeout(240_000);

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await testEnv();
  bundle = await bundleWorkflows();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The workflow task that issued each command event (activity, child workflow, timer). */
function issuingTask(event: HistoryEvent): number | undefined {
  const attributes =
    event.activityTaskScheduledEventAttributes ?? event.startChildWorkflowExecutionInitiatedEventAttributes ?? event.timerStartedEventAttributes;
  return attributes?.workflowTaskCompletedEventId ? Number(attributes.workflowTaskCompletedEventId) : undefined;
}

it('starts a fan-out over 240 workers in batches of at most 100 per workflow task, and every worker joins', async () => {
  const h = await harness(env, bundle, { controlPlanes: 3, workers: 240, maxConcurrentJoins: 240 });
  const result = await h.run(async () => {
    await h.client.startBringUp(h.spec, { requestedBy: 'test@jest', tuning: FAST_TUNING });
    return h.client.result(h.spec.name);
  });
  expect(result.outcome).toBe('succeeded');
  expect(new Set(h.fake.named('joinNode').map((c) => c.host)).size).toBe(243 - 1);

  const events = (await env.client.workflow.getHandle(bringUpWorkflowId(h.spec.name)).fetchHistory()).events ?? [];
  const perTask = new Map<number, number>();
  for (const event of events) {
    const task = issuingTask(event);
    if (task !== undefined) perTask.set(task, (perTask.get(task) ?? 0) + 1);
  }
  const largest = Math.max(...perTask.values());
  // Preflight of 242 joining hosts and 240 worker joins each take three tasks; other steps may add a few commands to one.
  expect(largest).toBeGreaterThan(STARTS_PER_WORKFLOW_TASK / 2);
  expect(largest).toBeLessThanOrEqual(STARTS_PER_WORKFLOW_TASK + 10);
});
