/**
 * The cluster workflow over several operations, on a dev server of its own that suggests
 * continue-as-new after a few dozen events: the record (versions, history, operation ids) must
 * come through every new run intact. Fake activities (bring-up and upgrade) stand in for hosts.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { PassThrough } from 'node:stream';
import { runClusters } from '../../src/client/commands/clusters';
import { KubehaClient } from '../../src/client/kubeha-client';
import { clusterWorkflowId, type OperationRecord } from '../../src/shared/operations';
import { searchAttributeKeys } from '../../src/temporal/search-attributes';
import { ensureTemporalCli } from '../../src/temporal/ensure-cli';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { createFakeUpgradeCluster } from './upgrade-fakes';
import { createFakeCluster, fakeSpec } from './workflow-fakes';
import { bundleWorkflows, FAST_TUNING, waitFor } from './workflow-harness';

jest.setTimeout(240_000);

const UPGRADE_TUNING = { retryInitialIntervalMs: 100, nodeReadyTimeoutMs: 10_000, etcdHealthyTimeoutMs: 5_000 };

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  const cli = await ensureTemporalCli({ env: process.env, progress: () => undefined });
  const executable = cli.kind === 'sdk-download' ? ({ type: 'cached-download', downloadDir: cli.downloadDir } as const) : ({ type: 'existing-path', path: cli.path } as const);
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      ip: '127.0.0.1',
      namespace: 'default',
      searchAttributes: searchAttributeKeys(),
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
    },
  });
  bundle = await bundleWorkflows();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

async function ended(client: KubehaClient, cluster: string, operationId: string): Promise<OperationRecord> {
  return client.awaitOperation(cluster, operationId, { pollMs: 100 });
}

it('keeps its record through continue-as-new: a bring-up and two upgrades, ids, versions and history carried into each new run', async () => {
  const spec = fakeSpec({ name: uniqueWorkflowId('cl').slice(0, 20), controlPlanes: 1, workers: 2 });
  const bringUp = createFakeCluster(spec);
  const upgrade = createFakeUpgradeCluster(spec);
  const taskQueue = uniqueTaskQueue('cluster');
  const client = new KubehaClient({ client: env.client, taskQueue });
  const worker = await createKubehaWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: { ...bringUp.activities, ...upgrade.activities },
    workflowBundle: bundle,
    shutdownGraceTimeMs: 1_000,
  });
  await worker.runUntil(async () => {
    const started = await client.startBringUp(spec, { requestedBy: 'alice@ops', tuning: FAST_TUNING });
    expect(await ended(client, spec.name, started.operationId)).toMatchObject({ id: 'op-1', outcome: 'succeeded' });

    for (const [to, id] of [['v1.31.1', 'op-2'], ['v1.32.0', 'op-3']] as const) {
      const accepted = await client.requestUpgrade(spec.name, { to, tuning: UPGRADE_TUNING }, 'deploy-bot');
      expect(accepted.operationId).toBe(id);
      await waitFor(async () => client.approve(spec.name, 'before-upgrade-apply', 'approver@ops').then(() => true).catch(() => undefined), `the gate of ${to}`);
      expect(await ended(client, spec.name, id)).toMatchObject({ outcome: 'succeeded', requestedBy: 'deploy-bot' });
    }

    const record = await client.record(spec.name);
    expect(record.kubernetesVersion).toBe('v1.32.0');
    expect(record.spec?.kubernetesVersion).toBe('v1.32.0');
    expect(record.nodes.map((n) => [n.name, n.version])).toEqual([['cp1', 'v1.32.0'], ['w1', 'v1.32.0'], ['w2', 'v1.32.0']]);
    expect(record.history.map((op) => [op.id, op.kind, op.outcome])).toEqual([
      ['op-1', 'bring-up', 'succeeded'],
      ['op-2', 'upgrade', 'succeeded'],
      ['op-3', 'upgrade', 'succeeded'],
    ]);
    expect(record.history[2]?.summary).toBe('upgrade v1.31.1 -> v1.32.0 (maxUnavailable 1)');

    // The server suggested continue-as-new at 40 events: the record above came through new runs.
    const description = await env.client.workflow.getHandle(clusterWorkflowId(spec.name)).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.runId).not.toBe(description.raw.workflowExecutionInfo?.firstRunId);
    // The next request is judged against the carried record: a skipped minor is still refused.
    await expect(client.requestUpgrade(spec.name, { to: 'v1.34.0' }, 'deploy-bot')).rejects.toThrow(/runs v1\.32\.0: .*one minor at a time/);
    await expect(client.startBringUp(spec)).rejects.toThrow(/already brought up successfully/);

    // `kubeha clusters` finds it through the visibility store and reads its record.
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    await waitFor(async () => {
      text = '';
      await runClusters({ address: env.address, taskQueue, stdout: out });
      return text.includes(spec.name) ? true : undefined;
    }, 'the cluster in kubeha clusters');
    expect(text).toMatch(new RegExp(`${spec.name} +v1\\.32\\.0 +3 +0 +-`));
  });
});
