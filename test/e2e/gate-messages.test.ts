/**
 * What a person hears when answering a gate that is no longer open: the bring-up ended, with its
 * outcome, rather than "no bring-up found"; an operation gate with no operation holding it names
 * the last one that did. Real workflows on the dev server, fake activities.
 */
import { KubehaClient } from '../../src/client/kubeha-client';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { createFakeResetCluster } from './reset-fakes';
import { createFakeCluster, fakeSpec } from './workflow-fakes';
import { FAST_TUNING, harness, waitFor, useWorkflowEnvironment } from './workflow-harness';

jest.setTimeout(120_000);

const wf = useWorkflowEnvironment();

it('approving or rejecting before-init of a finished bring-up says it ended and how', async () => {
  const h = await harness(wf.env, wf.bundle, { controlPlanes: 1, workers: 0 });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: FAST_TUNING });
    await h.client.result(h.spec.name);
  });
  const ended = new RegExp(`the bring-up of ${h.spec.name} already ended \\(completed at \\d{4}-\\d\\d-\\d\\dT[^)]+\\): before-init is no longer open`);
  await expect(h.client.approve(h.spec.name, 'before-init', 'bob@ops')).rejects.toThrow(ended);
  await expect(h.client.reject(h.spec.name, 'before-init', 'bob@ops', 'late')).rejects.toThrow(ended);
});

it('a cluster that never had a bring-up is still "not found"', async () => {
  const h = await harness(wf.env, wf.bundle, { controlPlanes: 1, workers: 0 });
  await expect(h.client.approve(h.spec.name, 'before-init', 'bob@ops')).rejects.toThrow(/no bring-up found for cluster/);
});

it('deciding before-reset with no reset running says so, naming the last reset and how it ended', async () => {
  const spec = fakeSpec({ name: uniqueWorkflowId('gates').slice(0, 20).replace(/-+$/, ''), controlPlanes: 1, workers: 0 });
  const taskQueue = uniqueTaskQueue('gates');
  const activities = { ...createFakeCluster(spec).activities, ...createFakeResetCluster(spec).activities };
  const client = new KubehaClient({ client: wf.env.client, taskQueue });
  const worker = await createKubehaWorker({ connection: wf.env.nativeConnection, namespace: 'default', taskQueue, activities, workflowBundle: wf.bundle, shutdownGraceTimeMs: 1_000 });
  await worker.runUntil(async () => {
    const started = await client.startBringUp(spec, { requestedBy: 'alice@ops', tuning: FAST_TUNING });
    await client.awaitOperation(spec.name, started.operationId, { pollMs: 100 });
    await expect(client.approve(spec.name, 'before-reset', 'bob@ops')).rejects.toThrow(`cluster ${spec.name} has no reset running: before-reset is not open, there is nothing to decide`);
    const reset = await client.request(spec.name, { kind: 'reset', requestedBy: 'alice@ops' });
    await waitFor(async () => client.reject(spec.name, 'before-reset', 'bob@ops', 'not today').then(() => true).catch(() => undefined), 'before-reset');
    await client.awaitOperation(spec.name, reset.operationId, { pollMs: 100 });
    await expect(client.approve(spec.name, 'before-reset', 'bob@ops')).rejects.toThrow(
      new RegExp(`has no reset running: before-reset is not open, there is nothing to decide; the last reset \\(op-2\\) ended rejected at \\d{4}-`),
    );
  });
});
