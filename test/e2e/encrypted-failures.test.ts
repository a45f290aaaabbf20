/** Failure messages and stacks travel in encrypted payloads: a history holds none of them in plaintext. */
import { Client, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { EncryptionCodec, kubehaDataConverter, newKeyRing } from '../../src/codec';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { historyText } from '../helpers/history-text';
import { testEnv, uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { createFailingActivities } from './fixtures/failing-activities';
import { failingWorkflow } from './fixtures/failing-workflows';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await testEnv();
});
afterAll(async () => {
  await env?.teardown();
});

it('keeps activity and workflow failure messages out of the history, and gives them back through the codec', async () => {
  const dataConverter = kubehaDataConverter(new EncryptionCodec(newKeyRing()));
  const taskQueue = uniqueTaskQueue('failures');
  const worker = await createKubehaWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createFailingActivities(),
    workflowsPath: require.resolve('./fixtures/failing-workflows'),
    dataConverter,
    shutdownGraceTimeMs: 1_000,
  });
  const client = new Client({ connection: env.connection, namespace: 'default', dataConverter });
  const token = 'abcdef.0123456789abcdef';
  const workflowId = uniqueWorkflowId('failures');
  const error = await worker.runUntil(client.workflow.execute(failingWorkflow, { taskQueue, workflowId, args: [{ token }] }).catch((e: unknown) => e));

  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause?.message).toBe(`bring-up failed; the join used token ${token}`);
  const messages: string[] = [];
  for (let e: Error | undefined = cause; e; e = (e as Error & { cause?: Error }).cause) messages.push(e.message);
  expect(messages.some((m) => m.includes(`kubeadm join --token ${token}`))).toBe(true);

  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const text = historyText(history);
  expect(text).toContain('Encoded failure');
  for (const leak of [token, 'abcdef', 'bring-up failed', 'kubeadm join', 'failing-workflows', 'leakyStep (']) expect(text).not.toContain(leak);

  const withoutKey = new Client({ connection: env.connection, namespace: 'default' });
  const seen = await withoutKey.workflow.getHandle(workflowId).result().catch((e: unknown) => e);
  expect(seen).toBeInstanceOf(Error);
  expect(`${String(seen)} ${(seen as Error).stack ?? ''} ${String((seen as WorkflowFailedError).cause ?? '')}`).not.toContain(token);
});
