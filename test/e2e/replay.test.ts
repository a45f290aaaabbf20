/**
 * Recorded histories of every release must replay against today's workflow code: a change that
 * would break a bring-up in flight on an older release fails here before it reaches a worker.
 * See docs/VERSIONING.md. Histories live in test/fixtures/histories/<release>/ and are never
 * overwritten: `KUBEHA_RECORD_HISTORIES=1` records the scenarios a release lacks into the
 * directory of package.json's version, and refuses to touch a file that exists.
 *
 * Fixtures are the History message as protobufjs objects (longs and enums as strings, bytes
 * base64). `historyToJSON`/`historyFromJSON` would be the canonical format, but in this install
 * @temporalio/common and @temporalio/proto load two copies of protobufjs 8.8.1 and both throw
 * "type must be a Type" (an `npm dedupe` fixes it).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { KubehaClient } from '../../src/client/kubeha-client';
import { clusterWorkflowId } from '../../src/shared/operations';
import { bringUpWorkflowId, hostJoinWorkflowId } from '../../src/shared/workflow-ids';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { testEnv, uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { fakeCertificateActivities, fakeDrillActivities, fakeRejoinActivities } from './lifecycle-fakes';
import { createFakeResetCluster } from './reset-fakes';
import { createFakeUpgradeCluster } from './upgrade-fakes';
import { createFakeCluster, fakeSpec } from './workflow-fakes';
import { bundleWorkflows, FAST_TUNING, gatePending, harness, waitFor, type Harness } from './workflow-harness';

jest.setTimeout(300_000);

const HistoryMessage = temporal.api.history.v1.History;
const ROOT = path.join(__dirname, '..', 'fixtures', 'histories');
const RELEASE = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
const RECORD = process.env.KUBEHA_RECORD_HISTORIES === '1';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await testEnv();
  bundle = await bundleWorkflows();
  if (RECORD) {
    mkdirSync(path.join(ROOT, RELEASE), { recursive: true });
    for (const [name, record] of Object.entries(scenarios)) {
      if (!existsSync(file(RELEASE, name))) await record();
    }
  }
}, 600_000);
afterAll(async () => {
  await env?.teardown();
});

const file = (release: string, name: string): string => path.join(ROOT, release, `${name}.json`);

async function save(name: string, workflowId: string): Promise<void> {
  const target = file(RELEASE, name);
  if (existsSync(target)) throw new Error(`${target} exists: recorded histories are never overwritten (record under a new release)`);
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const json = HistoryMessage.toObject(HistoryMessage.fromObject(history), { longs: String, enums: String, bytes: String });
  writeFileSync(target, `${JSON.stringify(json, null, 1)}\n`);
}

async function finish(h: Harness, drive: () => Promise<void> = async () => undefined): Promise<void> {
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: FAST_TUNING });
    await drive();
    await h.client.result(h.spec.name).catch(() => undefined);
  });
}

/** What every release records: one scenario per path through the workflow code that a change could break. */
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
  async 'timer-renewal'() {
    // Keys live 1.5 s and are renewed 0.5 s before: slow control-plane joins outlive two keys.
    const h = await harness(
      env,
      bundle,
      { name: 'replay-timer', controlPlanes: 3, workers: 1, certificateKey: { ttlMs: 1_500, renewBeforeMs: 500 } },
      { certificateKeyTtlMs: 1_500, delays: { joinNode: 2_500 } },
    );
    await finish(h);
    await save('timer-renewal', bringUpWorkflowId(h.spec.name));
  },
  async 'cancelled-during-joins'() {
    const h = await harness(env, bundle, { name: 'replay-cancel', controlPlanes: 3, workers: 2 }, { delays: { joinNode: 3_000 } });
    await finish(h, async () => {
      await waitFor(async () => ((await h.client.progress(h.spec.name)).phase === 'join-control-planes' ? true : undefined), 'control-plane joins');
      await h.client.cancel(h.spec.name);
    });
    await save('cancelled-during-joins', bringUpWorkflowId(h.spec.name));
  },
  async 'verify-polling'() {
    const h = await harness(env, bundle, { name: 'replay-verify', controlPlanes: 1, workers: 2 }, { workersNotReadyChecks: 2 });
    await finish(h);
    await save('verify-polling', bringUpWorkflowId(h.spec.name));
  },
  async 'serial-joins'() {
    const h = await harness(env, bundle, { name: 'replay-serial', controlPlanes: 3, workers: 2, controlPlaneJoins: 'serial', maxConcurrentJoins: 1 });
    await finish(h);
    await save('serial-joins', bringUpWorkflowId(h.spec.name));
  },
  async 'external-etcd'() {
    const h = await harness(env, bundle, {
      name: 'replay-ext',
      controlPlanes: 2,
      workers: 1,
      loadBalancer: 'external',
      etcd: { topology: 'external', endpoints: ['https://10.9.0.1:2379'], caFile: '/etc/kubeha/etcd/ca.crt', certFile: '/etc/kubeha/etcd/client.crt', keyFile: '/etc/kubeha/etcd/client.key' },
    });
    await finish(h);
    await save('external-etcd', bringUpWorkflowId(h.spec.name));
  },
  async 'cluster-bring-up-upgrade'() {
    // The cluster workflow running a bring-up, then an upgrade approved at before-upgrade-apply.
    const h = await clusterHarness('replay-cluster');
    await h.run(async () => {
      const started = await h.client.startBringUp(h.spec, { requestedBy: 'alice@replay', tuning: FAST_TUNING });
      await h.client.awaitOperation(h.spec.name, started.operationId, { pollMs: 100 });
      const upgrade = await h.client.requestUpgrade(h.spec.name, { to: 'v1.31.1', tuning: UPGRADE_TUNING }, 'deploy@replay');
      await waitFor(async () => h.client.approve(h.spec.name, 'before-upgrade-apply', 'approver@replay').then(() => true).catch(() => undefined), 'before-upgrade-apply');
      await h.client.awaitOperation(h.spec.name, upgrade.operationId, { pollMs: 100 });
      await save('upgrade-approved', upgrade.workflowId);
    });
    await save('cluster-bring-up-upgrade', clusterWorkflowId(h.spec.name));
  },
  async 'apply-shrink'() {
    // A worker joined by apply, then another removed after before-remove-workers.
    const h = await clusterHarness('replay-apply', { workers: 2, bringUpWorkers: 1 });
    await h.run(async () => {
      const started = await h.client.startBringUp(h.bringUpSpec, { requestedBy: 'alice@replay', tuning: FAST_TUNING });
      await h.client.awaitOperation(h.spec.name, started.operationId, { pollMs: 100 });
      const grow = await h.client.request(h.spec.name, { kind: 'apply', spec: h.spec, requestedBy: 'alice@replay', tuning: FAST_TUNING });
      await h.client.awaitOperation(h.spec.name, grow.operationId, { pollMs: 100 });
      const shrunk = { ...h.spec, hosts: h.spec.hosts.filter((host) => host.name !== 'w1') };
      const shrink = await h.client.request(h.spec.name, { kind: 'apply', spec: shrunk, requestedBy: 'alice@replay', tuning: FAST_TUNING });
      await waitFor(async () => h.client.approve(h.spec.name, 'before-remove-workers', 'approver@replay').then(() => true).catch(() => undefined), 'before-remove-workers');
      await h.client.awaitOperation(h.spec.name, shrink.operationId, { pollMs: 100 });
      await save('apply-grow', grow.workflowId);
      await save('apply-shrink', shrink.workflowId);
    });
  },
  async 'cluster-rejoin-certificates-drill'() {
    // Three control planes: cp2 rejoined, certificates renewed where near expiry, then the failover drill.
    const h = await clusterHarness('replay-life', { controlPlanes: 3, lifecycle: true });
    await h.run(async () => {
      const started = await h.client.startBringUp(h.spec, { requestedBy: 'alice@replay', tuning: FAST_TUNING });
      await h.client.awaitOperation(h.spec.name, started.operationId, { pollMs: 100 });
      const rejoin = await h.client.request(h.spec.name, { kind: 'rejoin', node: 'cp2', requestedBy: 'oncall@replay' });
      await h.client.awaitOperation(h.spec.name, rejoin.operationId, { pollMs: 100 });
      const certs = await h.client.request(h.spec.name, { kind: 'certificates', action: 'renew', requestedBy: 'schedule@replay' });
      await h.client.awaitOperation(h.spec.name, certs.operationId, { pollMs: 100 });
      const drill = await h.client.request(h.spec.name, { kind: 'drill', maxOutageMs: 1_000, requestedBy: 'sre@replay' });
      await h.client.awaitOperation(h.spec.name, drill.operationId, { pollMs: 100 });
      await save('rejoin-control-plane', rejoin.workflowId);
      await save('certificates-renewed', certs.workflowId);
      await save('drill-passed', drill.workflowId);
    });
    await save('cluster-rejoin-certificates-drill', clusterWorkflowId(h.spec.name));
  },
  async 'reset-approved'() {
    // A reset rejected at before-reset, then one approved: the workers, the other control planes, the first.
    const h = await clusterHarness('replay-reset', { controlPlanes: 3 });
    await h.run(async () => {
      const started = await h.client.startBringUp(h.spec, { requestedBy: 'alice@replay', tuning: FAST_TUNING });
      await h.client.awaitOperation(h.spec.name, started.operationId, { pollMs: 100 });
      const rejected = await h.client.request(h.spec.name, { kind: 'reset', requestedBy: 'alice@replay', tuning: { retryInitialIntervalMs: 100 } });
      await waitFor(async () => h.client.reject(h.spec.name, 'before-reset', 'approver@replay', 'recorded rejection').then(() => true).catch(() => undefined), 'before-reset');
      await h.client.awaitOperation(h.spec.name, rejected.operationId, { pollMs: 100 });
      const approved = await h.client.request(h.spec.name, { kind: 'reset', requestedBy: 'alice@replay', tuning: { retryInitialIntervalMs: 100 } });
      await waitFor(async () => h.client.approve(h.spec.name, 'before-reset', 'approver@replay').then(() => true).catch(() => undefined), 'before-reset');
      const op = await h.client.awaitOperation(h.spec.name, approved.operationId, { pollMs: 100 });
      if (op.outcome !== 'succeeded') throw new Error(`the recorded reset ${op.outcome}: ${op.message ?? ''}`);
      await save('reset-rejected', rejected.workflowId);
      await save('reset-approved', approved.workflowId);
    });
    await save('cluster-bring-up-reset', clusterWorkflowId(h.spec.name));
  },
  async 'cluster-replace'() {
    // cp2's host dead; the node joins again from a new address (HAProxy backends and certSANs updated).
    const h = await clusterHarness('replay-replace', { controlPlanes: 3, replace: { dead: ['127.0.6.12'] } });
    await h.run(async () => {
      const started = await h.client.startBringUp(h.spec, { requestedBy: 'alice@replay', tuning: FAST_TUNING });
      await h.client.awaitOperation(h.spec.name, started.operationId, { pollMs: 100 });
      const replace = await h.client.requestReplace(h.spec.name, { node: 'cp2', address: '127.0.6.14' }, 'oncall@replay');
      await h.client.awaitOperation(h.spec.name, replace.operationId, { pollMs: 100 });
      await save('replace-control-plane', replace.workflowId);
    });
    await save('cluster-replace', clusterWorkflowId(h.spec.name));
  },
  async 'manual-certificates'() {
    // certificateDistribution: manual — no upload, no certificate key; the shared files copied before each control-plane join.
    const h = await harness(env, bundle, { name: 'replay-manual', controlPlanes: 3, workers: 1, certificateDistribution: 'manual' });
    await finish(h);
    await save('manual-certificates', bringUpWorkflowId(h.spec.name));
  },
  async 'wide-fan-out'() {
    // Over 100 preflights, then over 100 joins, at once: the command budget (bounded-fan-out) splits them over workflow tasks.
    const h = await harness(env, bundle, { name: 'replay-wide', controlPlanes: 3, workers: 110, maxConcurrentJoins: 110 });
    await finish(h);
    await save('wide-fan-out', bringUpWorkflowId(h.spec.name));
  },
  async 'preflight-failed'() {
    const h = await harness(env, bundle, { name: 'replay-preflight', controlPlanes: 1, workers: 1 }, { facts: { w1: { clockOffsetMs: 60_000 } } });
    await finish(h);
    await save('preflight-failed', bringUpWorkflowId(h.spec.name));
  },
};

const UPGRADE_TUNING = { retryInitialIntervalMs: 100, nodeReadyTimeoutMs: 10_000, etcdHealthyTimeoutMs: 5_000 };

/** A worker serving the bring-up's and the upgrade's fake activities, for scenarios through the cluster workflow. */
async function clusterHarness(name: string, options: { controlPlanes?: number; workers?: number; bringUpWorkers?: number; lifecycle?: boolean; replace?: { dead: string[] } } = {}) {
  const spec = fakeSpec({ name: uniqueWorkflowId(name).slice(0, 23).replace(/-+$/, ''), controlPlanes: options.controlPlanes ?? 1, workers: options.workers ?? 1 });
  const bringUpSpec = { ...spec, hosts: spec.hosts.filter((h) => h.role !== 'worker' || Number(h.name.slice(1)) <= (options.bringUpWorkers ?? options.workers ?? 1)) };
  const taskQueue = uniqueTaskQueue('replay-cluster');
  const cluster = createFakeCluster(spec);
  const lifecycle = options.lifecycle
    ? {
        ...fakeRejoinActivities(spec, cluster),
        ...fakeCertificateActivities(Object.fromEntries(spec.hosts.filter((h) => h.role === 'control-plane').map((h, i) => [h.name, i === 0 ? 10 : 200]))),
        ...fakeDrillActivities(spec, cluster),
      }
    : options.replace
      ? { ...fakeRejoinActivities(spec, cluster, options.replace), verifyEtcd: cluster.activities.verifyEtcd }
      : {};
  const activities = { ...cluster.activities, ...createFakeUpgradeCluster(spec).activities, ...createFakeResetCluster(spec).activities, ...lifecycle };
  const client = new KubehaClient({ client: env.client, taskQueue });
  return {
    spec,
    bringUpSpec,
    client,
    run: async (fn: () => Promise<void>) =>
      (await createKubehaWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, activities, workflowBundle: bundle, shutdownGraceTimeMs: 1_000 })).runUntil(fn),
  };
}

interface Fixture {
  release: string;
  name: string;
  history: temporal.api.history.v1.History;
}

function fixtures(): Fixture[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(ROOT, d.name))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => ({
          release: d.name,
          name: f.replace(/\.json$/, ''),
          history: HistoryMessage.fromObject(JSON.parse(readFileSync(path.join(ROOT, d.name, f), 'utf8')) as object),
        })),
    );
}

it('keeps every release it recorded, and this release records every scenario', () => {
  const all = fixtures();
  expect(all.some((f) => f.release === '0.1.0')).toBe(true);
  expect(all.filter((f) => f.release === RELEASE).map((f) => f.name)).toEqual(expect.arrayContaining(Object.keys(scenarios)));
});

it('replays every recorded history of every release without a determinism error', async () => {
  const histories = fixtures();
  const results = Worker.runReplayHistories({ workflowBundle: bundle }, histories.map((h) => ({ workflowId: `${h.release}/${h.name}`, history: h.history })));
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
