/**
 * The codec key is rotated while a bring-up waits at a gate: the bring-up finishes, new payloads
 * use the new key id, and the whole history (old and new keys) stays readable through the codec
 * server with its token, and through nothing without it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { KubehaClient } from '../../src/client/kubeha-client';
import { EncryptionCodec, FileKeyRingSource, generateKey, kubehaDataConverter, METADATA_ENCRYPTION_KEY_ID, rotateCodecKey } from '../../src/codec';
import { bringUpWorkflowId } from '../../src/shared/workflow-ids';
import { startCodecServer } from '../../src/temporal/codec-server';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { testEnv, uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { createFakeCluster, fakeSpec } from './workflow-fakes';
import { bundleWorkflows, FAST_TUNING, waitFor } from './workflow-harness';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  env = await testEnv();
  bundle = await bundleWorkflows();
});
afterAll(async () => {
  await env?.teardown();
});

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

/** Every encrypted payload in a history, in the codec server's JSON shape. */
function encryptedPayloads(history: unknown): JsonPayload[] {
  const found: JsonPayload[] = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
    const v = value as { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
    if (v.metadata?.[METADATA_ENCRYPTION_KEY_ID] && v.data) {
      found.push({
        metadata: Object.fromEntries(Object.entries(v.metadata).map(([k, b]) => [k, Buffer.from(b).toString('base64')])),
        data: Buffer.from(v.data).toString('base64'),
      });
      return;
    }
    for (const child of Object.values(value)) walk(child);
  };
  walk(history);
  return found;
}

it('finishes a bring-up across a key rotation; its history decodes through the codec server with the token only', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-rotation-'));
  const keyFile = path.join(dir, 'codec.key');
  writeFileSync(keyFile, `${generateKey().toString('base64')}\n`, { mode: 0o600 });
  // Worker and client read the same ring file, as on one machine; each notices the rotation by itself.
  const dataConverter = () => kubehaDataConverter(new EncryptionCodec(new FileKeyRingSource(keyFile, 100)));
  const spec = fakeSpec({ name: uniqueWorkflowId('rot').slice(0, 20), controlPlanes: 1, workers: 1, approvals: ['before-init'] });
  const fake = createFakeCluster(spec);
  const taskQueue = uniqueTaskQueue('rotation');
  const worker = await createKubehaWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, activities: fake.activities, workflowBundle: bundle, dataConverter: dataConverter(), shutdownGraceTimeMs: 1_000 });
  const kubeha = new KubehaClient({ client: new Client({ connection: env.connection, namespace: 'default', dataConverter: dataConverter() }), taskQueue });

  let oldKey = '';
  let newKey = '';
  const result = await worker.runUntil(async () => {
    await kubeha.startBringUp(spec, { tuning: FAST_TUNING });
    await waitFor(async () => ((await kubeha.progress(spec.name)).pendingApprovals.some((p) => p.gate === 'before-init') ? true : undefined), 'gate before-init');
    const rotated = await rotateCodecKey({ file: keyFile });
    oldKey = rotated.previous;
    newKey = rotated.current;
    await new Promise((r) => setTimeout(r, 300));
    await kubeha.approve(spec.name, 'before-init', 'rotation-test');
    return kubeha.result(spec.name);
  });
  expect(result.outcome).toBe('succeeded');

  const history = await env.client.workflow.getHandle(bringUpWorkflowId(spec.name)).fetchHistory();
  const payloads = encryptedPayloads(history);
  const keyIds = new Set(payloads.map((p) => Buffer.from(p.metadata[METADATA_ENCRYPTION_KEY_ID] ?? '', 'base64').toString()));
  expect([...keyIds].sort()).toEqual([newKey, oldKey].sort());

  const server = await startCodecServer({ codec: new EncryptionCodec(new FileKeyRingSource(keyFile)), host: '127.0.0.1', port: 0, allowOrigins: ['http://127.0.0.1:8233'] });
  try {
    const body = JSON.stringify({ payloads });
    const decoded = await fetch(`${server.url}/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' }, body });
    expect(decoded.status).toBe(200);
    const plain = (await decoded.json()) as { payloads: JsonPayload[] };
    expect(plain.payloads).toHaveLength(payloads.length);
    for (const p of plain.payloads) expect(Buffer.from(p.metadata.encoding ?? '', 'base64').toString()).not.toBe('binary/encrypted');
    expect(plain.payloads.map((p) => Buffer.from(p.data ?? '', 'base64').toString()).join('\n')).toContain(spec.name);
    const refused = await fetch(`${server.baseUrl}/decode`, { method: 'POST', body });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain(spec.name);
  } finally {
    await server.stop();
  }
});
