/**
 * What a person hears when answering a gate that is no longer open: the bring-up ended, with its
 * outcome, rather than "no bring-up found". Real workflows on the dev server, fake activities.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { testEnv } from '../helpers/temporal';
import { bundleWorkflows, FAST_TUNING, harness } from './workflow-harness';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await testEnv();
  bundle = await bundleWorkflows();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

it('approving or rejecting before-init of a finished bring-up says it ended and how', async () => {
  const h = await harness(env, bundle, { controlPlanes: 1, workers: 0 });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: FAST_TUNING });
    await h.client.result(h.spec.name);
  });
  const ended = new RegExp(`the bring-up of ${h.spec.name} already ended \\(completed at \\d{4}-\\d\\d-\\d\\dT[^)]+\\): before-init is no longer open`);
  await expect(h.client.approve(h.spec.name, 'before-init', 'bob@ops')).rejects.toThrow(ended);
  await expect(h.client.reject(h.spec.name, 'before-init', 'bob@ops', 'late')).rejects.toThrow(ended);
});

it('a cluster that never had a bring-up is still "not found"', async () => {
  const h = await harness(env, bundle, { controlPlanes: 1, workers: 0 });
  await expect(h.client.approve(h.spec.name, 'before-init', 'bob@ops')).rejects.toThrow(/no bring-up found for cluster/);
});
