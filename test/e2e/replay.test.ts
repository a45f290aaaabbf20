/**
 * Recorded histories of finished bring-ups must replay against today's workflow code: a change
 * that breaks determinism fails here before it breaks running bring-ups.
 * Regenerate with KUBEHA_RECORD_HISTORIES=1 (after an intended, patched change).
 *
 * Fixtures are the History message as protobufjs objects (longs and enums as strings, bytes
 * base64). `historyToJSON`/`historyFromJSON` would be the canonical format, but in this install
 * @temporalio/common and @temporalio/proto load two copies of protobufjs 8.8.1 and both throw
 * "type must be a Type" (an `npm dedupe` fixes it).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bringUpWorkflowId, hostJoinWorkflowId } from '../../src/shared/workflow-ids';
import { testEnv } from '../helpers/temporal';
import { bundleWorkflows, FAST_TUNING, gatePending, harness, waitFor, type Harness } from './workflow-harness';

jest.setTimeout(180_000);

const HistoryMessage = temporal.api.history.v1.History;
const DIR = path.join(__dirname, '..', 'fixtures', 'histories');
const RECORD = process.env.KUBEHA_RECORD_HISTORIES === '1';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await testEnv();
  bundle = await bundleWorkflows();
  if (RECORD) for (const record of Object.values(scenarios)) await record();
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

async function save(name: string, workflowId: string): Promise<void> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const json = HistoryMessage.toObject(HistoryMessage.fromObject(history), { longs: String, enums: String, bytes: String });
  writeFileSync(path.join(DIR, `${name}.json`), `${JSON.stringify(json, null, 1)}\n`);
}

async function finish(h: Harness, drive: () => Promise<void> = async () => undefined): Promise<void> {
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: FAST_TUNING });
    await drive();
    await h.client.result(h.spec.name).catch(() => undefined);
  });
}

const scenarios: Record<string, () => Promise<void>> = {
  async 'gated-haproxy'() {
    const h = await harness(env, bundle, { name: 'replay-gated', controlPlanes: 3, workers: 2, approvals: ['before-init', 'before-workers'] });
    await finish(h, async () => {
      await waitFor(gatePending(h, 'before-init'), 'before-init');
      await h.client.approve(h.spec.name, 'before-init', 'rec@replay', 'recorded');
      await waitFor(gatePending(h, 'before-workers'), 'before-workers');
      await h.client.approve(h.spec.name, 'before-workers', 'rec@replay');
    });
    await save('gated-haproxy', bringUpWorkflowId(h.spec.name));
    await save('gated-haproxy-join-cp2', hostJoinWorkflowId(h.spec.name, 'cp2'));
  },
  async 'key-expired-worker-failed'() {
    const h = await harness(env, bundle, { name: 'replay-renew', controlPlanes: 3, workers: 2, loadBalancer: 'kube-vip' }, { initialKeyExpired: true, brokenJoins: ['w2'] });
    await finish(h);
    await save('key-expired-worker-failed', bringUpWorkflowId(h.spec.name));
  },
  async 'rejected'() {
    const h = await harness(env, bundle, { name: 'replay-rejected', controlPlanes: 1, workers: 1, approvals: ['before-init'] });
    await finish(h, async () => {
      await waitFor(gatePending(h, 'before-init'), 'before-init');
      await h.client.reject(h.spec.name, 'before-init', 'rec@replay', 'recorded rejection');
    });
    await save('rejected', bringUpWorkflowId(h.spec.name));
  },
  async 'control-plane-failed'() {
    const h = await harness(env, bundle, { name: 'replay-cp-failed', controlPlanes: 2, workers: 1 }, { brokenJoins: ['cp2'] });
    await finish(h);
    await save('control-plane-failed', bringUpWorkflowId(h.spec.name));
  },
};

function fixtures(): { name: string; history: temporal.api.history.v1.History }[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), history: HistoryMessage.fromObject(JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as object) }));
}


it('replays every recorded history without a determinism error', async () => {
  const histories = fixtures();
  expect(histories.map((h) => h.name)).toEqual(expect.arrayContaining(Object.keys(scenarios)));
  const results = Worker.runReplayHistories({ workflowBundle: bundle }, histories.map((h) => ({ workflowId: h.name, history: h.history })));
  const failures: string[] = [];
  let count = 0;
  for await (const result of results) {
    count++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(count).toBe(histories.length);
});

it('notices when the code no longer matches a history', async () => {
  const [first] = fixtures().filter((f) => f.name === 'gated-haproxy');
  if (!first) throw new Error('fixture gated-haproxy missing; record with KUBEHA_RECORD_HISTORIES=1');
  const scheduled = first.history.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'preflight');
  const attrs = scheduled?.activityTaskScheduledEventAttributes;
  if (!attrs?.activityType) throw new Error('no preflight activity in the fixture');
  attrs.activityType.name = 'initControlPlane';
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, first.history, 'tampered')).rejects.toThrow(/[Nn]ondetermin/);
});
