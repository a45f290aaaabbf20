/** Everything the dev/worker commands run, loaded on demand (the SDK's worker is heavy). */
export { connectionOptionsFrom } from '../client/connection';
export { connectWorker } from './connect';
export { startDevEnvironment, type DevEnvironment, type DevEnvironmentOptions } from './dev-environment';
export { createKubehaWorker, type CreateKubehaWorkerInput } from './create-worker';
export { startWorker, type RunningWorker, type StartWorkerInput } from './run-worker';
export { defaultDevStateDir } from './state-dir';
export { createLogger } from '../logging';
export { installRuntimeLogging } from './runtime';
export { untilShutdown } from './shutdown-signal';
