/**
 * Issue 11's failover drill on the lab, as a user runs it: 3 control planes (no workers) brought up
 * with `kubeha up`, then `kubeha drill` through the cluster workflow. Behind kubeha's HAProxy (it
 * health-checks /healthz and redispatches) and with kube-vip the drill passes; behind the lab's
 * external HAProxy run without health checks it fails on the first control plane, naming why.
 * Evidence is the lab's: the kubelet's log (the real etcd and the API server stopped and started
 * again), etcdctl's member list, every API server's /readyz, the manifests back in place.
 */
import { PassThrough } from 'node:stream';
import { runDrill } from '../../src/client/commands/drill';
import { runUp } from '../../src/client/commands/up';
import { etcdMembers, startedMemberNames, startRig, type Rig, type RigOptions } from '../helpers/bringup';
import { text } from '../helpers/capture';

jest.setTimeout(600_000);

const CPS = ['cp1', 'cp2', 'cp3'];
/** A short window keeps the lab run small: 3 s bound, probed for 3 s + 2 s. */
const MAX_OUTAGE = '3s';
const TUNING = { probeIntervalMs: 200, probeSlackMs: 2_000, retryInitialIntervalMs: 500, restoreTimeoutMs: 60_000 };


interface Drilled {
  output: string;
  error?: unknown;
  started: string[];
  apiReadyz: string[];
  parkedLeft: string[];
  manifests: string[];
  kubeletLog: string;
}

async function broughtUp(options: RigOptions): Promise<Rig> {
  const rig = await startRig({ controlPlanes: 3, workers: 0, ...options });
  await rig.startWorker();
  const upError = await runUp({ file: rig.specFile(), follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((err: unknown) => err ?? 'failed');
  if (upError) throw new Error(`bring-up failed: ${String(upError)}`);
  return rig;
}

async function drill(rig: Rig): Promise<Drilled> {
  const out = text();
  const error = await runDrill({ cluster: rig.spec.name, maxOutage: MAX_OUTAGE, tuning: TUNING, by: 'e2e@lab', stdout: out.stream, ...rig.flags }).then(
    () => undefined,
    (err: unknown) => err ?? 'failed',
  );
  // KUBEHA_TEST_SHOW_DRILL=1 prints what `kubeha drill` printed.
  if (process.env.KUBEHA_TEST_SHOW_DRILL === '1') process.stdout.write(`${out.read()}\n${String(error ?? '')}\n`);
  const address = (h: string) => rig.lab.config.hosts.find((x) => x.name === h)?.address ?? '';
  const apiReadyz = await Promise.all(CPS.map(async (h) => `${h}:${(await rig.lab.host('cp1').run(`curl -sk -o /dev/null -w '%{http_code}' https://${address(h)}:6443/readyz`, { timeoutMs: 20_000 })).stdout}`));
  const parkedLeft = await Promise.all(CPS.map(async (h) => `${h}:${(await rig.lab.host(h).run('ls /var/lib/kubeha/drill-stopped 2>/dev/null | tr "\\n" " "')).stdout.trim()}`));
  const manifests = await Promise.all(CPS.map(async (h) => `${h}:${(await rig.ok(h, 'ls /etc/kubernetes/manifests | tr "\\n" " "')).trim()}`));
  return {
    output: out.read(),
    ...(error !== undefined ? { error } : {}),
    started: startedMemberNames(await etcdMembers(rig, 'cp2')),
    apiReadyz,
    parkedLeft,
    manifests,
    kubeletLog: await rig.ok('cp1', 'cat /var/log/kubeha-lab/kubelet.log'),
  };
}

function tableRows(output: string): string[][] {
  return output
    .split('\n')
    .filter((l) => /^cp\d\s{2,}/.test(l))
    .map((l) => l.trim().split(/\s{2,}/));
}

function expectWhole(d: Drilled): void {
  expect(d.started).toEqual(CPS);
  expect(d.apiReadyz).toEqual(CPS.map((h) => `${h}:200`));
  expect(d.parkedLeft).toEqual(CPS.map((h) => `${h}:`));
  for (const m of d.manifests) expect(m).toMatch(/etcd\.yaml.*kube-apiserver\.yaml/);
  // The lab's kubelet really stopped the real etcd and the API server on cp1, and started them again.
  expect(d.kubeletLog).toMatch(/manifest removed: stopped (etcd|kube-apiserver)[\s\S]*started (etcd|kube-apiserver)/);
}

describe('kubeha drill behind kubeha HAProxy (health-checked backends)', () => {
  let rig: Rig;
  let d: Drilled;
  beforeAll(async () => {
    rig = await broughtUp({ addressPrefix: '127.0.69', name: 'drill', loadBalancer: 'haproxy' });
    d = await drill(rig);
  });
  afterAll(() => rig?.dispose());

  it('passes: each control plane stopped and restored in turn, the endpoint answered within the bound, etcd kept quorum and a leader', () => {
    expect(d.error).toBeUndefined();
    const rows = tableRows(d.output);
    expect(rows.map((r) => [r[0], r[1], r[4], r[7]])).toEqual(CPS.map((h) => [h, 'kube-apiserver+etcd', '2/3', 'passed']));
    for (const r of rows) expect(Number(r[2]?.replace(' ms', ''))).toBeLessThanOrEqual(3_000);
    expect(d.output).toContain('succeeded');
  });

  it('leaves the cluster whole: 3 started etcd members, every API server ready, nothing parked', () => expectWhole(d));
});

describe('kubeha drill with kube-vip', () => {
  let rig: Rig;
  let d: Drilled;
  beforeAll(async () => {
    rig = await broughtUp({ addressPrefix: '127.0.70', name: 'drillvip', loadBalancer: 'kube-vip' });
    d = await drill(rig);
  });
  afterAll(() => rig?.dispose());

  it('passes, the VIP moving to another control plane while its holder is down', () => {
    expect(d.error).toBeUndefined();
    expect(tableRows(d.output).map((r) => [r[0], r[7]])).toEqual(CPS.map((h) => [h, 'passed']));
    expectWhole(d);
  });
});

describe('kubeha drill behind a load balancer that does not health-check its backends', () => {
  let rig: Rig;
  let d: Drilled;
  beforeAll(async () => {
    rig = await broughtUp({ addressPrefix: '127.0.69', name: 'drillnohc', loadBalancer: 'external', loadBalancerHealthChecks: false });
    d = await drill(rig);
  });
  afterAll(() => rig?.dispose());

  it('fails on the first control plane naming why, skips the others, exit 1', () => {
    expect(String(d.error)).toMatch(/the endpoint stopped answering \/readyz for \d+ ms \(> 3000 ms\).* while cp1 was down .*does the load balancer health-check its backends\?/);
    expect((d.error as { exitCode?: number }).exitCode ?? 1).toBe(1);
    expect(tableRows(d.output).map((r) => [r[0], r[7]])).toEqual([
      ['cp1', 'failed'],
      ['cp2', 'skipped'],
      ['cp3', 'skipped'],
    ]);
  });

  it('restores every host all the same', () => expectWhole(d));
});
