/**
 * Issue 10's upgrade on the lab, as a user does it: a 3+3 cluster behind HAProxy brought up at
 * v1.30.2 with `kubeha up`, then `kubeha upgrade --to v1.31.1` (maxUnavailable 2) through the
 * cluster workflow, approved with `kubeha approve` at before-upgrade-apply. A skipped minor and a
 * downgrade are refused first, touching nothing; a second request sent at the same moment waits
 * in the queue (`kubeha ops` shows it) and then finds nothing left to do: the CLI's and the one
 * examples/request-upgrade.mjs sends, as another service would. The lab's kubectl,
 * `/version` through the VIP, its drain record and etcd sampled during the rollout are the evidence.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { readDrainRecord, maxConcurrentDrains } from '../../lab/sim/kubectl/drain-record';
import { runApprove } from '../../src/client/commands/approval';
import { runOps } from '../../src/client/commands/ops';
import { runUp } from '../../src/client/commands/up';
import { runUpgrade } from '../../src/client/commands/upgrade';
import type { OperationRecord } from '../../src/shared/operations';
import { ADMIN_CONF, ETCD_PKI, eventually, startRig, type Rig } from '../helpers/bringup';
import { text } from '../helpers/capture';

jest.setTimeout(600_000);

const FROM = 'v1.30.2';
const TO = 'v1.31.1';
const HOSTS = ['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3'];
const MAX_UNAVAILABLE = 2;

let rig: Rig;
let upgradeError: unknown;
const refusals: Record<string, unknown> = {};
let kubeadmBefore = '';
let kubeadmAfterRefusals = '';
let queuedView = '';
let ended: OperationRecord[] = [];
let cliOutput = '';
let exampleAnswer: { operationId: string; queuePosition: number } | undefined;
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

/** examples/request-upgrade.mjs as another service would run it: its own process, only @temporalio/client and the codec key. */
function runExample(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, '../../examples/request-upgrade.mjs'), ...args], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}


const kubeadmVersion = (): Promise<string> => rig.ok('cp1', 'kubeadm version -o short');

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.63', name: 'upg', controlPlanes: 3, workers: 3, loadBalancer: 'haproxy', kubernetesVersion: FROM });
  await rig.startWorker();
  const upError = await runUp({ file: rig.specFile(), follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((err: unknown) => err ?? 'failed');
  if (upError) throw new Error(`bring-up failed: ${String(upError)}`);
  const cluster = rig.spec.name;
  const quiet = { stdout: new PassThrough(), ...rig.flags };

  kubeadmBefore = await kubeadmVersion();
  refusals.skip = await runUpgrade({ cluster, to: 'v1.32.0', by: 'e2e@lab', ...quiet }).catch((e: unknown) => e);
  refusals.downgrade = await runUpgrade({ cluster, to: 'v1.29.9', by: 'e2e@lab', ...quiet }).catch((e: unknown) => e);
  refusals.dryRunSkip = await runUpgrade({ cluster, to: 'v1.32.0', dryRun: true, by: 'e2e@lab', ...quiet }).catch((e: unknown) => e);
  kubeadmAfterRefusals = await kubeadmVersion();

  const started = Date.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sampleEtcd(rig).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const cli = text();
  try {
    // Two requests at the same moment: one follows from the CLI, the other is detached.
    const following = runUpgrade({ cluster, to: TO, maxUnavailable: String(MAX_UNAVAILABLE), by: 'alice@ops', stdout: cli.stream, ...rig.flags });
    const second = await runExample(['--cluster', cluster, '--to', TO, '--max-unavailable', String(MAX_UNAVAILABLE), '--requested-by', 'deploy-bot', '--address', rig.flags.address]);
    if (second.code !== 0) throw new Error(`the example program exited ${second.code}: ${second.stderr}`);
    exampleAnswer = JSON.parse(second.stdout) as { operationId: string; queuePosition: number };
    await eventually(async () => {
      const record = await rig.opened.kubeha.record(cluster);
      return record.current?.kind === 'upgrade' && record.queue.length === 1 ? true : undefined;
    }, 'one upgrade running and one queued', 60_000);
    const ops = text();
    await runOps({ cluster, stdout: ops.stream, ...rig.flags });
    queuedView = ops.read();
    await eventually(
      async () => runApprove({ cluster, gate: 'before-upgrade-apply', by: 'approver@lab', stdout: new PassThrough(), ...rig.flags }).then(() => true).catch(() => undefined),
      'approving before-upgrade-apply',
      180_000,
    );
    await following;
    const done = await eventually(async () => {
      const record = await rig.opened.kubeha.record(cluster);
      const upgrades = record.history.filter((op) => op.kind === 'upgrade');
      return upgrades.length === 2 ? upgrades : undefined;
    }, 'both upgrades ended', 300_000);
    ended = done;
  } catch (err) {
    upgradeError = err;
    process.stdout.write(`upgrade failed: ${String(err)}\n${cli.read()}\n`);
  } finally {
    sampling = false;
    await sampler;
    cliOutput = cli.read();
  }
  process.stdout.write(`upgrade ${FROM} -> ${TO} of 3+3 through kubeha upgrade took ${Date.now() - started} ms, ${etcdSamples.length} etcd samples\n`);
}, 600_000);

afterAll(async () => {
  await rig?.dispose();
});

it('a skipped minor and a downgrade are refused with a clear message before any host is touched', async () => {
  expect(String(refusals.skip)).toContain('one minor at a time');
  expect(String(refusals.downgrade)).toContain('downgrade');
  expect(String(refusals.dryRunSkip)).toContain('one minor at a time');
  expect(kubeadmAfterRefusals).toBe(kubeadmBefore);
  const record = await rig.opened.kubeha.record(rig.spec.name);
  expect(record.history.filter((op) => op.kind === 'upgrade' && op.summary.includes('v1.32.0'))).toEqual([]);
});

it('two requests at the same moment (the CLI and the example program) run one after the other: kubeha ops showed the second queued', () => {
  expect(upgradeError).toBeUndefined();
  const queued = queuedView.slice(queuedView.indexOf('queued:'), queuedView.indexOf('history:'));
  expect(queued).toMatch(/1\. op-\d+ +queued +upgrade v1\.30\.2 -> v1\.31\.1/);
  expect(ended.map((op) => [op.outcome, op.message])).toEqual([['succeeded', undefined], ['succeeded', undefined]]);
  const [first, second] = ended as [OperationRecord, OperationRecord];
  expect(Date.parse(second.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(first.endedAt ?? ''));
  expect(new Set(ended.map((op) => op.requestedBy))).toEqual(new Set(['alice@ops', 'deploy-bot']));
  expect(ended.find((op) => op.requestedBy === 'deploy-bot')?.id).toBe(exampleAnswer?.operationId);
});

it('the upgrade succeeds and every node reports the new version through the lab kubectl', async () => {
  expect(upgradeError).toBeUndefined();
  expect(cliOutput).toContain('succeeded');
  const record = await rig.opened.kubeha.record(rig.spec.name);
  expect(record.kubernetesVersion).toBe(TO);
  expect(record.nodes.map((n) => [n.name, n.version]).sort()).toEqual(HOSTS.map((h) => [h, TO]));
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
