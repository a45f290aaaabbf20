/** Runs the real bring-up workflows on the shared dev server against a fake cluster. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptions } from '../../src/worker/bundle-options';
import { KubehaClient } from '../../src/client/kubeha-client';
import type { BringUpTuning } from '../../src/shared/messages';
import type { ClusterSpec } from '../../src/spec/types';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { testEnv, uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { createFakeCluster, fakeSpec, type FakeCluster, type FakeOptions, type FakeSpecOptions } from './workflow-fakes';

export const FAST_TUNING: Partial<BringUpTuning> = {
  retryInitialIntervalMs: 100,
  workerJoinMaxAttempts: 2,
  controlPlaneJoinMaxAttempts: 2,
  probeMaxAttempts: 2,
};

export interface WorkflowTestSetup {
  readonly env: TestWorkflowEnvironment;
  readonly bundle: WorkflowBundleWithSourceMap;
}

/** For one test file: the shared dev server's environment and the workflow bundle, ready before its tests, torn down after them. */
export function useWorkflowEnvironment(): WorkflowTestSetup {
  let env: TestWorkflowEnvironment | undefined;
  let bundle: WorkflowBundleWithSourceMap | undefined;
  beforeAll(async () => {
    env = await testEnv();
    bundle = await bundleWorkflows();
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not set up yet: use it inside a test or hook`);
    return value;
  };
  return {
    get env() {
      return ready(env, 'the workflow test environment');
    },
    get bundle() {
      return ready(bundle, 'the workflow bundle');
    },
  };
}

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode(workflowBundleOptions(require.resolve('../../src/workflows')));
}

export interface Harness {
  spec: ClusterSpec;
  fake: FakeCluster;
  client: KubehaClient;
  taskQueue: string;
  /** Runs `fn` while a worker with the fake activities serves the task queue (once per harness). */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export async function harness(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  specOptions: Omit<FakeSpecOptions, 'name'> & { name?: string },
  fakeOptions: FakeOptions = {},
): Promise<Harness> {
  const spec = fakeSpec({ name: uniqueWorkflowId('c').slice(0, 20), ...specOptions });
  const fake = createFakeCluster(spec, fakeOptions);
  const taskQueue = uniqueTaskQueue('bringup');
  const newWorker = () =>
    createKubehaWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, activities: fake.activities, workflowBundle: bundle, shutdownGraceTimeMs: 1_000 });
  const client = new KubehaClient({ client: env.client, taskQueue });
  return { spec, fake, client, taskQueue, run: async (fn) => (await newWorker()).runUntil(fn) };
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function gatePending(h: Harness, gate: string): () => Promise<true | undefined> {
  return async () => ((await h.client.progress(h.spec.name)).pendingApprovals.some((p) => p.gate === gate) ? true : undefined);
}
