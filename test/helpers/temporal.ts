import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';

/** Set by test/e2e/global-setup.ts: the one dev server shared by the whole e2e run. */
export const TEST_TEMPORAL_ADDRESS_ENV = 'KUBEHA_TEST_TEMPORAL_ADDRESS';
export const TEST_TEMPORAL_NAMESPACE = 'default';

export function testTemporalAddress(): string {
  const address = process.env[TEST_TEMPORAL_ADDRESS_ENV];
  if (!address) {
    throw new Error(`${TEST_TEMPORAL_ADDRESS_ENV} is not set: run e2e tests through jest --selectProjects e2e (its globalSetup starts the server)`);
  }
  return address;
}

let runtimeInstalled = false;

/** Worker state changes at INFO drown the test output; install a WARN logger once per process. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(process.env.KUBEHA_TEST_LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  } catch {
    // Already installed by the test file itself: its choice wins.
  }
}

/** Attaches to the shared dev server; call `teardown()` on it in afterAll. */
export function testEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({ address: testTemporalAddress(), namespace: TEST_TEMPORAL_NAMESPACE });
}

/** Task queues and workflow ids must be unique per test: several tests share one server. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

export function uniqueWorkflowId(prefix = 'wf'): string {
  return `${prefix}-${randomUUID()}`;
}
