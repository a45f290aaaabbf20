/** A worker that bundles its workflows itself bundles them as `npm run build` does. */
import type { WorkerOptions } from '@temporalio/worker';
import { createKubehaWorker } from '../../../src/worker/create-worker';
import { workflowBundleOptions } from '../../../src/worker/bundle-options';

const created: WorkerOptions[] = [];
jest.mock('@temporalio/worker', () => ({
  Worker: {
    create: (options: WorkerOptions) => {
      created.push(options);
      return Promise.resolve({});
    },
  },
}));

it('gives its own bundling the interceptors and preloaded modules of the build\'s bundle', async () => {
  const workflowsPath = require.resolve('../../../src/workflows');
  await createKubehaWorker({ connection: {} as never, namespace: 'default', taskQueue: 'q', activities: {}, workflowsPath });
  const build = workflowBundleOptions(workflowsPath);
  const options = created[0];
  expect(options?.workflowsPath).toBe(workflowsPath);
  expect(build.preloadModules).toHaveLength(1);
  expect(options?.bundlerOptions?.preloadModules).toEqual(build.preloadModules);
  expect(options?.bundlerOptions?.webpackConfigHook).toBe(build.webpackConfigHook);
  expect(options?.interceptors?.workflowModules).toEqual(build.workflowInterceptorModules);
});

it('leaves a given bundle as it was made', async () => {
  await createKubehaWorker({ connection: {} as never, namespace: 'default', taskQueue: 'q', activities: {}, workflowBundle: { code: '' } });
  const options = created[1];
  expect(options?.workflowBundle).toEqual({ code: '' });
  expect(options?.bundlerOptions).toBeUndefined();
  expect(options?.interceptors?.workflowModules).toBeUndefined();
});
