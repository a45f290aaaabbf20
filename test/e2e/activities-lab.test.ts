import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../src/activities';
import type { BootstrapToken, CertificateKey, ClusterSettings, KubehaActivities } from '../../src/activities/types';
import { silentLogger } from '../../src/logging';
import { clusterSettings } from '../../src/spec/hosts';
import { loadSpecFile } from '../../src/spec/load';
import type { HostSpec } from '../../src/spec/types';
import { SshPool } from '../../src/ssh/pool';
import { startTestLab } from '../helpers/lab';

jest.setTimeout(240_000);

type Lab = Awaited<ReturnType<typeof startTestLab>>;
let lab: Lab;
let pool: SshPool;
let acts: KubehaActivities;
let cluster: ClusterSettings;
let hosts: Map<string, HostSpec>;

/**
 * What the workflow's retry policy does for joins: retry a retryable failure. Real etcd refuses a
 * member add while the previous new member is still settling ("unhealthy cluster").
 */
async function retried<T>(run: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof ApplicationFailure) || err.nonRetryable || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}

const input = (name: string) => {
  const host = hosts.get(name);
  if (!host) throw new Error(`no host ${name}`);
  return { cluster, host };
};

beforeAll(async () => {
  lab = await startTestLab({ addressPrefix: '127.0.52', controlPlanes: 3, workers: 1, loadBalancer: 'kube-vip', timeScale: 600 });
  const { spec } = await loadSpecFile(path.join(lab.dir, 'cluster.yaml'));
  cluster = clusterSettings(spec);
  hosts = new Map(spec.hosts.map((h) => [h.name, h]));
  pool = new SshPool();
  acts = createActivities({ ssh: pool, logger: silentLogger() });
});
afterAll(async () => {
  await pool?.close();
  await lab?.dispose();
});

let token: BootstrapToken;
let certificateKey: CertificateKey;

it('preflight finds an unprepared host, fixes it, and reports its facts', async () => {
  const unfixed = await acts.preflight({ ...input('w1'), fix: false });
  expect(unfixed.problems.map((p) => p.check)).toEqual(expect.arrayContaining(['Swap', 'FileContent--proc-sys-net-ipv4-ip_forward', 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables']));
  expect(unfixed.fixed).toEqual([]);
  const reports = await Promise.all(['cp1', 'cp2', 'cp3', 'w1'].map((name) => acts.preflight({ ...input(name), fix: true })));
  for (const r of reports) expect(r.problems).toEqual([]);
  expect(reports[3]?.fixed).toContain('swapoff -a');
  const report = reports[0];
  if (!report) throw new Error('no report');
  expect(report.facts.hostname).toBe('cp1');
  expect(report.facts.macAddresses).toHaveLength(1);
  expect(report.facts.productUuid).toMatch(/^[0-9a-f-]{36}$/);
  expect(report.facts.kubeadmVersion.replace(/^v/, '')).toBe(cluster.kubernetesVersion.replace(/^v/, ''));
  expect(Math.abs(report.facts.clockOffsetMs)).toBeLessThan(1000);
});

it('the endpoint refuses before any API server runs', async () => {
  await expect(acts.probeLoadBalancer(input('cp1'))).resolves.toEqual({ result: 'refused' });
});

it('installs kube-vip once', async () => {
  await expect(acts.installKubeVip(input('cp1'))).resolves.toEqual({ changed: true });
  await expect(acts.installKubeVip(input('cp1'))).resolves.toEqual({ changed: false });
});

it('initializes the first control plane once; a second call returns the same credentials without running kubeadm init', async () => {
  const first = await acts.initControlPlane(input('cp1'));
  expect(first.alreadyInitialized).toBe(false);
  expect(first.token.token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  expect(first.token.caCertHash).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(first.certificateKey?.key).toMatch(/^[a-f0-9]{64}$/);
  const second = await acts.initControlPlane(input('cp1'));
  expect(second.alreadyInitialized).toBe(true);
  expect(second.certificateKey?.key).toBe(first.certificateKey?.key);
  expect(second.token.token).toBe(first.token.token);
  expect((await lab.host('cp1').run('cat /var/lib/kubeha/runs/kubeadm-init/exit')).stdout.trim()).toBe('0');
  expect((await lab.host('cp1').run('ls /var/lib/kubeha/runs')).stdout.trim()).toBe('kubeadm-init');
  token = second.token;
  certificateKey = second.certificateKey as CertificateKey;
});

it('applies the CNI and joins a control plane and a worker, idempotently', async () => {
  await acts.applyCni(input('cp1'));
  // Lab time runs 600x faster (24 h token = 144 s, 2 h key = 12 s): mint both right before joining.
  token = await acts.createJoinToken(input('cp1'));
  const key = await acts.uploadCerts({ ...input('cp1'), certificateKey });
  expect(key.key).toBe(certificateKey.key);
  await expect(retried(() => acts.joinNode({ ...input('cp2'), as: 'control-plane', token, certificateKey: key }))).resolves.toEqual({ alreadyJoined: false });
  await expect(acts.joinNode({ ...input('w1'), as: 'worker', token })).resolves.toEqual({ alreadyJoined: false });
  await expect(acts.joinNode({ ...input('w1'), as: 'worker', token })).resolves.toEqual({ alreadyJoined: true });
  const node = await acts.waitForNodeReady({ ...input('cp1'), node: 'w1', timeoutMs: 60_000 });
  expect(node).toMatchObject({ name: 'w1', ready: true });
});

it('an expired certificate key fails a control-plane join non-retryably; re-uploading with the same key fixes it', async () => {
  token = await acts.createJoinToken(input('cp1'));
  certificateKey = await acts.uploadCerts({ ...input('cp1'), certificateKey });
  await lab.expireCertificateKey();
  const error = (await acts.joinNode({ ...input('cp3'), as: 'control-plane', token, certificateKey }).catch((e: unknown) => e)) as ApplicationFailure;
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error.message).toContain('Secret "kubeadm-certs" was not found');
  expect(error.type).toBe('CertificateKeyExpired');
  expect(error.nonRetryable).toBe(true);
  expect(error.message).not.toContain(certificateKey.key);
  const again = await acts.uploadCerts({ ...input('cp1'), certificateKey });
  expect(again.key).toBe(certificateKey.key);
  await expect(retried(() => acts.joinNode({ ...input('cp3'), as: 'control-plane', token, certificateKey }))).resolves.toEqual({ alreadyJoined: false });
  await acts.waitForNodeReady({ ...input('cp1'), node: 'cp3', timeoutMs: 60_000 });
  const report = await acts.verifyCluster(input('cp2'));
  expect(report.readyz).toBe('ok');
  expect(report.nodes.map((n) => n.name).sort()).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
  expect(report.controlPlanePods.filter((p) => p.phase === 'Running')).toHaveLength(12);
});

it('a wrong token is JoinTokenExpired', async () => {
  const wrong = { ...token, token: 'zzzzzz.zzzzzzzzzzzzzzzz' };
  await lab.host('w1').run('kubeadm reset -f');
  await expect(acts.joinNode({ ...input('w1'), as: 'worker', token: wrong })).rejects.toMatchObject({ type: 'JoinTokenExpired', nonRetryable: true });
});

it('verifies etcd with the real etcdctl and the whole cluster', async () => {
  const report = await acts.verifyEtcd(input('cp1'));
  expect(report.members.map((m) => m.name).sort()).toEqual(['cp1', 'cp2', 'cp3']);
  expect(report.endpoints.filter((e) => e.isLeader)).toHaveLength(1);
  await expect(acts.probeLoadBalancer(input('w1'))).resolves.toEqual({ result: 'connected' });
});
