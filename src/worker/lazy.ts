import type * as WorkerModules from './index';

/** The worker side of the CLI, required only when `dev` or `worker` runs (the SDK's worker is heavy). */
export function loadWorkerModules(): typeof WorkerModules {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./index') as typeof WorkerModules;
}
