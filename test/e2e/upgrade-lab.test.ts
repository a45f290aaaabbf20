/**
 * Issue 10's upgrade on the lab: a 3+3 cluster behind HAProxy brought up at v1.30.2, then
 * `upgradeCluster` started directly to v1.31.1 (maxUnavailable 2) and approved at
 * before-upgrade-apply. The lab's kubectl, `/version` through the VIP, its drain record and etcd
 * sampled during the rollout are the evidence.
 */
import { PassThrough } from 'node:stream';
import { Client } from '@temporalio/client';
import { readDrainRecord, maxConcurrentDrains } from '../../lab/sim/kubectl/drain-record';
import { runUp } from '../../src/client/commands/up';
import { kubehaDataConverter, loadCodec } from '../../src/codec';
import { approveUpdate } from '../../src/shared/messages';
import { UPGRADE_WORKFLOW_TYPE, upgradeProgressQuery, upgradeWorkflowId, type UpgradeInput, type UpgradeResult } from '../../src/shared/operations';
import { ADMIN_CONF, ETCD_PKI, eventually, startRig, type Rig } from '../helpers/bringup';

jest.setTimeout(600_000);

const FROM = 'v1.30.2';
const TO = 'v1.31.1';
const HOSTS = ['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3'];
const MAX_UNAVAILABLE = 2;

let rig: Rig;
let client: Client;
let result: UpgradeResult | undefined;
let upgradeError: unknown;
const etcdSamples: Array<{ at: number; healthy: number; error?: string }> = [];

async function sampleEtcd(rig: Rig): Promise<void> {
  const endpoints = rig.lab.config.hosts.filter((h) => h.name.startsWith('cp')).map((h) => `https://${h.address}:2379`).join(',');
  const r = await rig.lab.host('cp2').run(`ETCDCTL_API=3 etcdctl --endpoints ${endpoints} ${ETCD_PKI} --dial-timeout=2s --command-timeout=3s endpoint health -w json`, { timeoutMs: 20_000 });
  try {
    const health = JSON.parse(r.stdout) as Array<{ health: boolean }>;
    etcdSamples.push({ at: Date.now(), healthy: health.filter((h) => h.health).length });
  } catch {
    etcdSamples.push({ at: Date.now(), healthy: 0, error: `${r.stdout}\n${r.stderr}`.slice(0, 400) });
  }
}

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.63', name: 'upg', controlPlanes: 3, workers: 3, loadBalancer: 'haproxy', kubernetesVersion: FROM });
  await rig.startWorker();
  const upError = await runUp({ file: rig.specFile(), follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((err: unknown) => err ?? 'failed');
  if (upError) throw new Error(`bring-up failed: ${String(upError)}`);
  client = new Client({ connection: rig.env.connection, dataConverter: kubehaDataConverter(loadCodec().codec) });
  const input: UpgradeInput = { spec: rig.spec, to: TO, maxUnavailable: MAX_UNAVAILABLE, requestedBy: 'e2e@lab', tuning: { retryInitialIntervalMs: 200, nodeReadyTimeoutMs: 60_000, etcdHealthyTimeoutMs: 30_000 } };
  const started = Date.now();
  const handle = await client.workflow.start(UPGRADE_WORKFLOW_TYPE, { taskQueue: rig.flags.taskQueue, workflowId: upgradeWorkflowId(rig.spec.name, 'op-1'), args: [input] });
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sampleEtcd(rig).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    await eventually(async () => ((await handle.query(upgradeProgressQuery)).pendingApprovals.some((p) => p.gate === 'before-upgrade-apply') ? true : undefined), 'the before-upgrade-apply gate', 180_000);
    await handle.executeUpdate(approveUpdate, { args: [{ gate: 'before-upgrade-apply', by: 'approver@lab' }] });
    result = (await handle.result()) as UpgradeResult;
  } catch (err) {
    upgradeError = err;
    process.stdout.write(`upgrade failed: ${String(err)}\n${JSON.stringify(await handle.query(upgradeProgressQuery).catch(() => undefined), null, 1)}\n`);
  } finally {
    sampling = false;
    await sampler;
  }
  process.stdout.write(`upgrade ${FROM} -> ${TO} of 3+3 took ${Date.now() - started} ms, ${etcdSamples.length} etcd samples\n`);
}, 600_000);

afterAll(async () => {
  await rig?.dispose();
});

it('the upgrade succeeds and every node reports the new version through the lab kubectl', async () => {
  expect(upgradeError).toBeUndefined();
  expect(result).toMatchObject({ outcome: 'succeeded', from: FROM, to: TO });
  const nodes = JSON.parse(await rig.ok('cp1', `kubectl --kubeconfig ${ADMIN_CONF} get nodes -o json`)) as { items: Array<{ metadata: { name: string }; status: { nodeInfo: { kubeletVersion: string } }; spec?: { unschedulable?: boolean } }> };
  expect(nodes.items.map((n) => [n.metadata.name, n.status.nodeInfo.kubeletVersion, n.spec?.unschedulable ?? false]).sort()).toEqual(HOSTS.map((h) => [h, TO, false]));
});

it('/version through the VIP answers the new version', async () => {
  expect(upgradeError).toBeUndefined();
  const out = await rig.ok('w1', `curl -fsS --cacert /etc/kubernetes/pki/ca.crt https://${rig.spec.controlPlaneEndpoint}/version`);
  expect((JSON.parse(out) as { gitVersion: string }).gitVersion).toBe(TO);
});

it('the drain record shows at most one control plane and at most maxUnavailable workers out at once, every node drained once', () => {
  expect(upgradeError).toBeUndefined();
  const events = readDrainRecord(rig.lab.dir);
  expect(events.filter((e) => e.event === 'drain').map((e) => e.node).sort()).toEqual(HOSTS);
  const most = maxConcurrentDrains(events);
  expect(most.controlPlanes).toBe(1);
  expect(most.workers).toBeGreaterThanOrEqual(1);
  expect(most.workers).toBeLessThanOrEqual(MAX_UNAVAILABLE);
});

it('etcd kept quorum throughout (sampled during the rollout), and kubeadm upgrade apply ran once', async () => {
  expect(upgradeError).toBeUndefined();
  expect(etcdSamples.length).toBeGreaterThan(5);
  expect(etcdSamples.filter((s) => s.healthy < 2)).toEqual([]);
  expect((await rig.ok('cp1', 'ls /var/lib/kubeha/runs | grep -c "^kubeadm-upgrade-apply" || true')).trim()).toBe('1');
});
