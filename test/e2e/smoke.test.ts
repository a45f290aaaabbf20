import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { KubehaCluster, KubehaPhase, SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { testEnv, uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { createSmokeActivities } from './fixtures/smoke-activities';
import { smokeWorkflow } from './fixtures/smoke-workflows';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await testEnv();
});
afterAll(async () => {
  await env?.teardown();
});

it('registers every kubeha search attribute on the shared dev server', async () => {
  const response = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
  for (const name of Object.keys(SEARCH_ATTRIBUTES)) {
    expect(response.customAttributes?.[name]).toBeDefined();
  }
});

it('runs a workflow with an activity on a real worker and records its search attributes', async () => {
  const taskQueue = uniqueTaskQueue('smoke');
  const worker = await createKubehaWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createSmokeActivities(),
    workflowsPath: require.resolve('./fixtures/smoke-workflows'),

    shutdownGraceTimeMs: 1_000,
  });
  const workflowId = uniqueWorkflowId('smoke');
  const result = await worker.runUntil(
    env.client.workflow.execute(smokeWorkflow, {
      taskQueue,
      workflowId,
      args: [{ name: 'kubeha' }],
      typedSearchAttributes: [{ key: KubehaCluster, value: 'smoke-cluster' }],
    }),
  );
  expect(result).toBe('hello kubeha from smokeWorkflow');
  const description = await env.client.workflow.getHandle(workflowId).describe();
  expect(description.typedSearchAttributes.get(KubehaCluster)).toBe('smoke-cluster');
  expect(description.typedSearchAttributes.get(KubehaPhase)).toBe('smoke');
});
