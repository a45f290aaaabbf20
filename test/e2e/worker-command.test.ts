import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { kubehaDataConverter, loadCodec } from '../../src/codec';
import type * as PrebuiltBundle from '../../src/worker/prebuilt-bundle';
import { testEnv, testTemporalAddress, uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { fakeSpec } from './workflow-fakes';

jest.setTimeout(120_000);

const cli = join(__dirname, '..', '..', 'dist', 'src', 'client', 'cli.js');
let env: TestWorkflowEnvironment;
let child: ChildProcess | undefined;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm test does)`);
  env = await testEnv();
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await env?.teardown();
});

const codecKey = randomBytes(32).toString('base64');
// The compiled module: only there does the prebuilt bundle sit beside the code.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freshPrebuiltBundle } = require('../../dist/src/worker/prebuilt-bundle') as typeof PrebuiltBundle;

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const proc = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KUBEHA_CODEC_KEY: codecKey, TEMPORAL_ADDRESS: '', ...extraEnv },
  });
  let output = '';
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { child: proc, output: () => output, exit };
}

async function pollersOn(taskQueue: string): Promise<number> {
  const queue = await env.connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
  return queue.pollers?.length ?? 0;
}

it('kubeha worker polls the given task queue on TEMPORAL_ADDRESS, runs workflows from the prebuilt bundle, and stops cleanly on SIGTERM', async () => {
  expect(freshPrebuiltBundle(require.resolve('../../dist/src/workflows'))).toBeDefined();
  const taskQueue = uniqueTaskQueue('worker-cmd');
  const started = run(['worker', '--task-queue', taskQueue], { TEMPORAL_ADDRESS: testTemporalAddress() });
  child = started.child;
  const deadline = Date.now() + 60_000;
  while ((await pollersOn(taskQueue)) === 0) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no poller on ${taskQueue}:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // Workflow code ran in this worker: its own input check refuses a spec without hosts.
  const client = new Client({ connection: env.connection, namespace: 'default', dataConverter: kubehaDataConverter(loadCodec({ env: { KUBEHA_CODEC_KEY: codecKey } }).codec) });
  const spec = { ...fakeSpec({ name: 'bundled', controlPlanes: 1, workers: 0 }), hosts: [] };
  const bringUp = client.workflow.execute('bringUpCluster', { taskQueue, workflowId: uniqueWorkflowId('bundled'), args: [{ spec }] });
  const failure = await bringUp.then(() => undefined, (err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(/host/);
  child.kill('SIGTERM');
  expect(await started.exit).toBe(0);
  expect(started.output()).toContain('kubeha worker polling');
});

it('kubeha worker names the unreachable address and exits 3 without a stack trace', async () => {
  const failed = run(['worker', '--address', '127.0.0.1:1']);
  expect(await failed.exit).toBe(3);
  expect(failed.output()).toContain('cannot reach Temporal at 127.0.0.1:1 (namespace default)');
  expect(failed.output()).toContain('hint:');
  expect(failed.output()).not.toMatch(/\n\s+at /);
});
