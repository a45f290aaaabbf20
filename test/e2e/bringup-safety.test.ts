/**
 * A core safe to run against live clusters, on the lab (whose kubeadm dies at its next write once
 * its SSH session is gone, as real kubeadm does on SIGPIPE):
 * - the worker process is SIGKILLed during `kubeadm init`: the bring-up completes, the CA is the one
 *   the first attempt created, and no reset ran on cp1;
 * - a cancel during control-plane joins ends the bring-up cancelled, and afterwards etcd lists only
 *   started members and every host is either fully joined (started member, Ready node) and
 *   reported so, or neither and reported not joined.
 */
import { etcdMembers, eventually, readyNodes, startRig, startedMemberNames, type Rig } from '../helpers/bringup';
import { loadSpecFile } from '../../src/spec/load';

jest.setTimeout(420_000);

let rig: Rig;
let cancelRig: Rig;
let lbRig: Rig;

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.49', name: 'bu-safety', controlPlanes: 3, workers: 1, loadBalancer: 'external' });
  cancelRig = await startRig({ addressPrefix: '127.0.50', name: 'bu-cancel', controlPlanes: 3, workers: 1, loadBalancer: 'external' });
  lbRig = await startRig({ addressPrefix: '127.0.53', name: 'bu-lb-down', controlPlanes: 3, workers: 1, loadBalancer: 'haproxy' });
}, 300_000);

afterAll(async () => {
  await rig?.dispose();
  await cancelRig?.dispose();
  await lbRig?.dispose();
});

/** Archived runs that a `kubeadm reset` left behind (kubeha renames the run record when it resets). */
async function resets(host: string): Promise<string> {
  return rig.ok(host, 'ls /var/lib/kubeha/runs 2>/dev/null | grep -F .reset. || true');
}

async function nodeNames(r: Rig): Promise<string[]> {
  const out = await r.ok('cp1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json');
  return (JSON.parse(out) as { items: { metadata: { name: string } }[] }).items.map((n) => n.metadata.name).sort();
}

it('a worker SIGKILLed during kubeadm init: the bring-up completes, with the CA of the first attempt and no reset on cp1', async () => {
  // Serial control-plane joins: attempt counts then show the renewal's effect alone (parallel joins may race in etcd).
  const { spec } = await loadSpecFile(rig.specFile((doc) => void (doc.spec.controlPlaneJoins = 'serial')));
  await rig.lab.host('cp1').slow(40);
  // Joins outlast the (scaled, 12 s) certificate key, so its timer re-uploads while they run.
  await Promise.all(['cp2', 'cp3'].map((h) => rig.lab.host(h).slow(200)));
  const first = await rig.startChildWorker();
  const kubeha = rig.opened.kubeha;
  await kubeha.startBringUp(spec, { requestedBy: 'e2e@lab', tuning: { retryInitialIntervalMs: 500 } });
  const ca = await eventually(async () => (await rig.ok('cp1', 'sha256sum /etc/kubernetes/pki/ca.crt 2>/dev/null || true')).trim() || undefined, 'cp1 CA from kubeadm init', 120_000);
  expect((await rig.ok('cp1', 'test -f /etc/kubernetes/admin.conf && test -f /var/lib/kubeha/runs/kubeadm-init/exit && echo finished || echo running')).trim()).toBe('running');
  await first.kill();
  await rig.lab.host('cp1').slow(1);
  await rig.startChildWorker();

  const result = await kubeha.result(spec.name);
  if (result.outcome !== 'succeeded') throw new Error(`expected success, got ${JSON.stringify(result)}`);
  expect((await rig.ok('cp1', 'sha256sum /etc/kubernetes/pki/ca.crt')).trim()).toBe(ca);
  // A renewal during in-flight joins fails no join: one key, re-uploaded, every control-plane join on attempt 1.
  expect(result.report.renewals.certificateKey).toBeGreaterThanOrEqual(1);
  expect(result.report.hosts.filter((h) => h.name === 'cp2' || h.name === 'cp3').map((h) => [h.name, h.state, h.attempts])).toEqual([
    ['cp2', 'succeeded', 1],
    ['cp3', 'succeeded', 1],
  ]);
  expect(await resets('cp1')).toBe('');
  expect((await rig.ok('cp1', 'cat /var/lib/kubeha/runs/kubeadm-init/exit')).trim()).toBe('0');
  expect(startedMemberNames(await etcdMembers(rig, 'cp1'))).toEqual(['cp1', 'cp2', 'cp3']);
  expect(await readyNodes(rig, 'cp1')).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
  // The bring-up cleaned up after itself: no bootstrap token left, no uploaded certificates.
  expect((await rig.ok('cp1', 'kubeadm token list')).trim()).toBe('');
  expect(await rig.ok('cp1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get secret kubeadm-certs 2>&1 || true')).toContain('NotFound');
  expect(await rig.ok('cp1', 'ls /etc/kubeha')).not.toContain('kubeadm-init.yaml');
});

it('cancel during control-plane joins: cancelled, etcd has only started members, and the report matches every host', async () => {
  const r = cancelRig;
  const { spec } = await loadSpecFile(r.specFile());
  await Promise.all(['cp2', 'cp3'].map((h) => r.lab.host(h).slow(60)));
  await r.startWorker();
  const kubeha = r.opened.kubeha;
  await kubeha.startBringUp(spec, { requestedBy: 'e2e@lab', tuning: { retryInitialIntervalMs: 500 } });
  await eventually(async () => ((await r.ok('cp2', 'test -f /var/lib/kubeha/runs/kubeadm-join/pid && echo started || true')).trim() === 'started' ? true : undefined), 'the join on cp2 to start', 180_000);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await kubeha.cancel(spec.name);
  const outcome = await kubeha.result(spec.name).then(
    () => 'completed',
    (err: unknown) => String(err),
  );
  expect(outcome).toContain('was cancelled');
  const progress = await kubeha.progress(spec.name);
  expect(progress.phase).toBe('cancelled');

  const members = await etcdMembers(r, 'cp1');
  const started = startedMemberNames(members);
  expect(started).toHaveLength(members.length);
  const nodes = await nodeNames(r);
  const ready = await readyNodes(r, 'cp1');
  const joinedSteps = progress.steps.filter((s) => s.id === 'join-control-planes' || s.id === 'join-workers');
  for (const host of ['cp2', 'cp3', 'w1']) {
    const entry = joinedSteps.flatMap((s) => s.hosts).find((h) => h.host === host);
    const reportedJoined = entry?.status === 'succeeded';
    const isCp = host.startsWith('cp');
    const seen = { host, reportedJoined, member: started.includes(host), node: nodes.includes(host), ready: ready.includes(host) };
    if (reportedJoined) expect(seen).toEqual({ host, reportedJoined, member: isCp, node: true, ready: true });
    else expect(seen).toEqual({ host, reportedJoined, member: false, node: false, ready: false });
    if (!reportedJoined) {
      expect((await r.ok(host, 'ls /etc/kubernetes/kubelet.conf /etc/kubernetes/manifests/etcd.yaml 2>/dev/null || true')).trim()).toBe('');
      // No kubeadm run of kubeha is still alive on the host (pid namespaces are shared in the lab, so ask by run record).
      expect((await r.ok(host, 'for f in /var/lib/kubeha/runs/*/pid; do [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && echo "alive: $f"; done; true')).trim()).toBe('');
    }
  }
  expect(joinedSteps.flatMap((s) => s.hosts).filter((h) => h.status !== 'succeeded' && h.status !== 'pending').length).toBeGreaterThan(0);
  expect(await r.ok('cp1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get secret kubeadm-certs 2>&1 || true')).toContain('NotFound');
});

it('the load balancer down while retried joins check their hosts: no reset on any healthy host, and the bring-up completes once it is back', async () => {
  const r = lbRig;
  const { spec } = await loadSpecFile(r.specFile());
  await Promise.all(['cp2', 'cp3'].map((h) => r.lab.host(h).slow(150)));
  const first = await r.startChildWorker();
  const kubeha = r.opened.kubeha;
  await kubeha.startBringUp(spec, { requestedBy: 'e2e@lab', tuning: { retryInitialIntervalMs: 500 } });
  // cp2 is past kubelet-start: a joined-looking host whose join is still going.
  await eventually(async () => ((await r.ok('cp2', 'test -f /etc/kubernetes/kubelet.conf && echo yes || true')).trim() === 'yes' ? true : undefined), 'cp2 past kubelet-start', 180_000);
  const caBefore = await r.ok('cp2', 'sha256sum /etc/kubernetes/pki/ca.crt');
  await first.kill();
  await r.lab.host('lb1').stop();
  await r.startChildWorker();
  // The join activities' heartbeat timeout is 30 s: their retries judge cp2 and cp3 while the VIP is dead.
  await new Promise((resolve) => setTimeout(resolve, 45_000));
  const during = await kubeha.progress(spec.name);
  expect(during.phase).not.toBe('failed');
  await r.lab.host('lb1').restart();

  const result = await kubeha.result(spec.name);
  if (result.outcome !== 'succeeded') throw new Error(`expected success, got ${JSON.stringify(result)}`);
  for (const host of ['cp1', 'cp2', 'cp3', 'w1']) {
    expect({ host, resets: (await r.ok(host, 'ls /var/lib/kubeha/runs 2>/dev/null | grep -F .reset. || true')).trim() }).toEqual({ host, resets: '' });
  }
  expect(await r.ok('cp2', 'sha256sum /etc/kubernetes/pki/ca.crt')).toBe(caBefore);
  expect(startedMemberNames(await etcdMembers(r, 'cp1'))).toEqual(['cp1', 'cp2', 'cp3']);
  expect(await readyNodes(r, 'cp1')).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
});
