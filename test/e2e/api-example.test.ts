/**
 * docs/API.md in practice: examples/request-upgrade.mjs, run as its own `node` process with only
 * @temporalio/client and its own codec, asks a cluster brought up through KubehaClient (fake
 * activities, a worker that refuses unencrypted payloads) for upgrades. A skipped minor is refused
 * with kubeadm's skew rule (exit 2); a valid target is accepted and shows in the cluster's record;
 * the same update id asked again gets the same answer; --wait follows the operation to its end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { KubehaClient } from '../../src/client/kubeha-client';
import { ENCRYPTED_ENCODING, EncryptionCodec, FileKeyRingSource, generateKey, keyIdOf, kubehaDataConverter, METADATA_ENCRYPTION_KEY_ID } from '../../src/codec';
import { clusterWorkflowId, upgradeWorkflowId, type ClusterRecord, type OperationAccepted, type OperationRecord } from '../../src/shared/operations';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { historyText } from '../helpers/history-text';
import { testEnv, testTemporalAddress, uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { createFakeCluster, fakeSpec } from './workflow-fakes';
import { bundleWorkflows, FAST_TUNING } from './workflow-harness';

jest.setTimeout(180_000);

const EXAMPLE = path.resolve(__dirname, '../../examples/request-upgrade.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The example as another service would run it: a separate `node` process, no kubeha code loaded. */
function runExample(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.KUBEHA_CODEC_KEY;
  if (!env.KUBEHA_CODEC_KEY_FILE) delete childEnv.KUBEHA_CODEC_KEY_FILE;
  return new Promise((resolve, reject) => {
    const child = spawn('node', [EXAMPLE, '--address', testTemporalAddress(), '--namespace', 'default', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function operations(record: ClusterRecord): OperationRecord[] {
  return [...(record.current ? [record.current] : []), ...record.queue, ...record.history];
}

interface UpdateAcceptedEvent {
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { meta?: { updateId?: string | null } | null; input?: { name?: string | null; args?: { payloads?: Payload[] | null } | null } | null } | null } | null;
}

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  env = await testEnv();
  bundle = await bundleWorkflows();
});
afterAll(async () => {
  await env?.teardown();
});

it('the example requests upgrades with only @temporalio/client: a skipped minor is refused, a valid one accepted, recorded and encrypted', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-api-example-'));
  const keyFile = path.join(dir, 'codec.key');
  const key = generateKey();
  writeFileSync(keyFile, `# the ring the worker, KubehaClient and the example share\n${key.toString('base64')}\n`, { mode: 0o600 });
  const codec = (requireEncryption: boolean) => new EncryptionCodec(new FileKeyRingSource(keyFile), { requireEncryption });
  const spec = fakeSpec({ name: uniqueWorkflowId('api').slice(0, 20), controlPlanes: 1, workers: 1 });
  const fake = createFakeCluster(spec);
  const taskQueue = uniqueTaskQueue('api-example');
  // As in production: the worker refuses any payload the example did not encrypt with the ring.
  const worker = await createKubehaWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, activities: fake.activities, workflowBundle: bundle, dataConverter: kubehaDataConverter(codec(true)), shutdownGraceTimeMs: 1_000 });
  const client = new Client({ connection: env.connection, namespace: 'default', dataConverter: kubehaDataConverter(codec(false)) });
  const kubeha = new KubehaClient({ client, taskQueue });

  await worker.runUntil(async () => {
    const bringUp = await kubeha.startBringUp(spec, { requestedBy: 'test@jest', tuning: FAST_TUNING });
    expect((await kubeha.awaitOperation(spec.name, bringUp.operationId, { pollMs: 200 })).outcome).toBe('succeeded');

    // (a) v1.30.2 -> v1.32.0 skips a minor: the validator refuses it, nothing is queued.
    const skipped = await runExample(['--cluster', spec.name, '--to', 'v1.32.0', '--codec-key-file', keyFile]);
    expect(skipped.stdout).toBe('');
    expect(skipped.stderr).toContain('refused (OperationRefused)');
    expect(skipped.stderr).toContain(`cluster ${spec.name} runs v1.30.2: kubeadm upgrades one minor at a time: upgrade to v1.31.x first`);
    expect(skipped.code).toBe(2);
    expect(operations(await kubeha.record(spec.name)).map((op) => op.kind)).toEqual(['bring-up']);

    // (b) the next minor is accepted; the key file found through KUBEHA_CODEC_KEY_FILE, as kubeha finds it.
    const updateId = `api-example-${spec.name}`;
    const args = ['--cluster', spec.name, '--to', 'v1.31.0', '--max-unavailable', '1', '--requested-by', 'svc:deploy-bot', '--update-id', updateId];
    const ok = await runExample(args, { KUBEHA_CODEC_KEY_FILE: keyFile });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const accepted = JSON.parse(ok.stdout.trim()) as OperationAccepted;
    expect(accepted).toEqual({ operationId: 'op-2', workflowId: upgradeWorkflowId(spec.name, 'op-2'), queuePosition: 0 });
    const op = operations(await kubeha.record(spec.name)).find((o) => o.id === accepted.operationId);
    expect(op).toMatchObject({ kind: 'upgrade', summary: 'upgrade v1.30.2 -> v1.31.0 (maxUnavailable 1)', requestedBy: 'svc:deploy-bot', workflowId: accepted.workflowId });
    // The fakes serve no upgrade activity, so it may already have ended (failed) by now.
    expect(['queued', 'running', 'ended']).toContain(op?.state);

    // The same update id asked again is the same request: Temporal answers with the first result.
    const again = await runExample(args, { KUBEHA_CODEC_KEY_FILE: keyFile });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.trim())).toEqual(accepted);

    // --wait follows the operation until it ended: exit 1 since the (unfaked) upgrade fails.
    const waited = await runExample(['--cluster', spec.name, '--to', 'v1.31.0', '--requested-by', 'svc:deploy-bot', '--codec-key-file', keyFile, '--wait', '--poll-ms', '200']);
    const [waitAccepted, waitEnded] = waited.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(waitAccepted).toMatchObject({ operationId: 'op-3' });
    expect(waitEnded).toMatchObject({ id: 'op-3', state: 'ended', outcome: 'failed' });
    expect(String(waitEnded?.message)).toContain('not faked');
    expect(waited.code).toBe(1);

    // The example's request is in the history encrypted with the ring's key; target and requester never in plaintext.
    const history = await client.workflow.getHandle(clusterWorkflowId(spec.name)).fetchHistory();
    const requests = ((history.events ?? []) as UpdateAcceptedEvent[])
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest)
      .filter((r) => r?.meta?.updateId === updateId);
    expect(requests).toHaveLength(1);
    const [payload] = requests[0]?.input?.args?.payloads ?? [];
    expect(requests[0]?.input?.name).toBe('requestOperation');
    expect(Buffer.from(payload?.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(payload?.metadata?.[METADATA_ENCRYPTION_KEY_ID] ?? []).toString()).toBe(keyIdOf(key));
    const [decoded] = await codec(false).decode([payload as Payload]);
    expect(JSON.parse(Buffer.from(decoded?.data ?? []).toString())).toEqual({ kind: 'upgrade', to: 'v1.31.0', requestedBy: 'svc:deploy-bot', maxUnavailable: 1 });
    const plain = historyText(history);
    expect(plain).not.toContain('v1.31.0');
    expect(plain).not.toContain('svc:deploy-bot');
  });
});
