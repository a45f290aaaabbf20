import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { EnvironmentError } from '../errors';
import { LONGEST_STEP_MS } from '../shared/timeouts';
import { PRELOAD_MODULES, WORKFLOW_INTERCEPTOR_MODULES, withoutSourcesText } from './bundle-options';
import { freshPrebuiltBundle } from './prebuilt-bundle';
import { validateActivityInputs } from './validate-activity-input';

export interface CreateKubehaWorkerInput {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  dataConverter?: DataConverter;
  /** Pre-bundled workflow code (tests bundle once per file); otherwise `workflowsPath` is bundled. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Defaults to the project's src/workflows/index. */
  workflowsPath?: string;
  /**
   * How long a graceful shutdown waits for running activities; defaults to the longest step, so a
   * deploy never cuts one short. (kubeadm itself runs detached and would survive it anyway.)
   */
  shutdownGraceTimeMs?: number;
}

export function defaultWorkflowsPath(): string {
  try {
    return require.resolve('../workflows');
  } catch {
    throw new EnvironmentError(
      `the kubeha workflows module (${__dirname}/../workflows) was not found`,
      'rebuild kubeha (npm run build) so that dist/src/workflows exists',
    );
  }
}

/** A given workflows path is bundled; the default one comes prebuilt when `npm run build` made a bundle of it. */
function workflowCode(workflowsPath: string | undefined): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (workflowsPath) return { workflowsPath };
  const defaultPath = defaultWorkflowsPath();
  const bundle = freshPrebuiltBundle(defaultPath);
  return bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: defaultPath };
}

export function createKubehaWorker(input: CreateKubehaWorkerInput): Promise<Worker> {
  const workflows = input.workflowBundle ? { workflowBundle: input.workflowBundle } : workflowCode(input.workflowsPath);
  // A bundle (prebuilt or a test's, both from workflowBundleOptions) has the workflow interceptors
  // and preloaded modules in it already; the worker's own bundling gets them here.
  const selfBundled = 'workflowsPath' in workflows;
  return Worker.create({
    connection: input.connection,
    namespace: input.namespace,
    taskQueue: input.taskQueue,
    activities: input.activities,
    dataConverter: input.dataConverter,
    shutdownGraceTime: input.shutdownGraceTimeMs ?? LONGEST_STEP_MS,
    interceptors: { activity: [validateActivityInputs], ...(selfBundled ? { workflowModules: WORKFLOW_INTERCEPTOR_MODULES } : {}) },
    ...(selfBundled ? { bundlerOptions: { preloadModules: PRELOAD_MODULES, webpackConfigHook: withoutSourcesText } } : {}),
    ...workflows,
  });
}
