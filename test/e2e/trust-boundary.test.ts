/**
 * The worker trusts nothing it is sent. A bring-up started through a raw Temporal client (no
 * codec) with a hostile spec (the codec key file as CNI manifest, an unknown host) fails at
 * once: the production worker (startWorker: codec that requires encryption, worker files) refuses
 * the plaintext input, so no activity is scheduled, no SSH connection opened, no worker file read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import type { Payload } from '@temporalio/common';
import { defaultCodecKeyFile, loadCodec } from '../../src/codec';
import { silentLogger } from '../../src/logging';
import type { RunOptions, RunResult, SshRunner } from '../../src/ssh/pool';
import type { Script } from '../../src/ssh/quote';
import type { SshTarget } from '../../src/ssh/target';
import { startWorker, type RunningWorker } from '../../src/worker/run-worker';
import { useTestCodecKey } from '../helpers/bringup';
import { testEnv, uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { fakeSpec } from './workflow-fakes';

jest.setTimeout(180_000);

/** Records every SSH use: the test proves there is none. */
class NoSsh implements SshRunner {
  readonly calls: string[] = [];
  async run(target: SshTarget, script: Script, _options?: RunOptions): Promise<RunResult> {
    this.calls.push(`${target.name}: ${script.name}`);
    throw new Error('no SSH expected');
  }
  runChecked(target: SshTarget, script: Script, options?: RunOptions): Promise<RunResult> {
    return this.run(target, script, options);
  }
  async writeFile(target: SshTarget, file: string): Promise<{ changed: boolean }> {
    this.calls.push(`${target.name}: write ${file}`);
    throw new Error('no SSH expected');
  }
  async close(): Promise<void> {}
}

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
const ssh = new NoSsh();
const taskQueue = uniqueTaskQueue('trust');

beforeAll(async () => {
  useTestCodecKey();
  env = await testEnv();
  const dir = mkdtempSync(path.join(tmpdir(), 'kubeha-trust-'));
  worker = await startWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    logger: silentLogger(),
    activities: createActivities({ ssh, logger: silentLogger(), files: { sshKeyDir: dir, knownHosts: path.join(dir, 'known_hosts'), acceptNewHostKeys: false } }),
    shutdownGraceTimeMs: 1_000,
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

interface Event {
  eventType?: unknown;
  workflowTaskFailedEventAttributes?: { failure?: { message?: string | null; encodedAttributes?: Payload | null } | null } | null;
}

it('a plaintext, hostile bring-up from a raw Temporal client fails at once: nothing scheduled, no SSH, no file read', async () => {
  const spec = fakeSpec({ name: 'hostile', controlPlanes: 1, workers: 0 });
  spec.networking.cni = process.env.KUBEHA_CODEC_KEY_FILE ?? defaultCodecKeyFile();
  spec.hosts = [{ ...(spec.hosts.find((h) => h.role === 'control-plane') as (typeof spec.hosts)[number]), address: '203.0.113.7' }];
  const raw = new Client({ connection: env.connection, namespace: 'default' });
  const workflowId = uniqueWorkflowId('hostile');
  const handle = await raw.workflow.start('bringUpCluster', { taskQueue, workflowId, args: [{ spec }] });

  const failed = await (async () => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const events = ((await handle.fetchHistory()).events ?? []) as Event[];
      const failure = events.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure;
      if (failure) return { failure, events };
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the workflow task never failed');
  })();
  // The failure's message is itself encrypted (failure converter); decoded with the key it says why.
  expect(failed.failure.message).toBe('Encoded failure');
  const [decoded] = await loadCodec().codec.decode([failed.failure.encodedAttributes as Payload]);
  expect(Buffer.from(decoded?.data ?? new Uint8Array()).toString()).toContain('refusing an unencrypted payload');
  expect(failed.events.filter((e) => String(e.eventType).includes('ACTIVITY_TASK_SCHEDULED'))).toHaveLength(0);
  expect(ssh.calls).toEqual([]);
  await handle.terminate('trust-boundary test');
});
