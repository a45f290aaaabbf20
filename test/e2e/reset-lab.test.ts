/**
 * Issue 11's reset on the lab, as a user does it: a 3+1 cluster brought up with `kubeha up`;
 * `kubeha reset` held at before-reset with every host it destroys shown; a rejection leaves the
 * cluster as it was; cp3 is wiped behind kubeha's back; an approved reset takes the worker first,
 * then cp3 (found clean, still forgotten) and cp2 one at a time (etcd members removed through cp1)
 * and fails at cp2's kubeadm reset (an injected fault); asked again it finishes, cp1 last; every
 * host is left with nothing of the cluster, the record forgets it, and `kubeha up` with the same
 * spec brings it up again on the same hosts. The lab's real etcd, the hosts' files, kubectl and kubeha's records are the evidence.
 */
import { PassThrough } from 'node:stream';
import { runApprove, runReject } from '../../src/client/commands/approval';
import { runReset } from '../../src/client/commands/reset';
import { runUp } from '../../src/client/commands/up';
import { failNext } from '../../lab/faults';
import type { ClusterRecord, OperationRecord, ResetProgress } from '../../src/shared/operations';
import { etcdMemberRows, eventually, readyNodes, startRig, type EtcdMemberRow, type Rig } from '../helpers/bringup';
import { tcpProbe } from '../helpers/tcp';
import { stepTimes, text } from '../helpers/capture';

jest.setTimeout(900_000);

let rig: Rig;
const HOSTS = ['cp1', 'cp2', 'cp3', 'w1'];


const { times, timed } = stepTimes();

const failed = (err: unknown): unknown => err ?? 'failed';

const members = (): Promise<EtcdMemberRow[]> => etcdMemberRows(rig, 'cp1');

const started = (list: EtcdMemberRow[]) => list.filter((m) => m.status === 'started').map((m) => m.name).sort();

/**
 * What a host has of a cluster, one `path=count` per place a bring-up writes to (entries below it),
 * plus the kubeconfigs in /etc/kubernetes, root's kubeconfig and the kubelet's state.
 */
const LEFTOVERS = [
  'for p in /etc/kubernetes/manifests /etc/kubernetes/pki /var/lib/kubelet /var/lib/etcd /etc/cni/net.d /etc/kubeha /var/lib/kubeha /etc/kubernetes/kubeha-restart-manifests; do echo "$p=$(find "$p" -mindepth 1 2>/dev/null | wc -l)"; done',
  'echo "confs=$(find /etc/kubernetes -maxdepth 1 -name \'*.conf\' | wc -l)"',
  'if [ -e /root/.kube/config ]; then echo root-kubeconfig=yes; else echo root-kubeconfig=no; fi',
  'echo "kubelet=$(systemctl is-active kubelet || true)"',
].join('; ');

async function leftovers(host: string): Promise<Record<string, string>> {
  const out = await rig.ok(host, LEFTOVERS);
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split('='))
      .map(([k, v]) => [k ?? '', (v ?? '').trim()]),
  );
}

const CLEAN = {
  '/etc/kubernetes/manifests': '0',
  '/etc/kubernetes/pki': '0',
  '/var/lib/kubelet': '0',
  '/var/lib/etcd': '0',
  '/etc/cni/net.d': '0',
  '/etc/kubeha': '0',
  '/var/lib/kubeha': '0',
  '/etc/kubernetes/kubeha-restart-manifests': '0',
  confs: '0',
  'root-kubeconfig': 'no',
  kubelet: 'inactive',
};

let membersBefore: EtcdMemberRow[] = [];
let caBefore = '';
const caFingerprint = () => rig.ok('cp1', `openssl x509 -noout -fingerprint -sha256 -in /etc/kubernetes/pki/ca.crt`);
let hostsBefore: Record<string, Record<string, string>> = {};
let portsBefore: string[] = [];
let portsAfterReset: string[] = [];
let unknownRefusal: unknown;
let gateOutput = '';
let selfApproval: unknown;
let rejectedError: unknown;
let membersAfterRejection: string[] = [];
let readyAfterRejection: string[] = [];
let recordAfterRejection: ClusterRecord | undefined;
let hostsAfterRejection: Record<string, Record<string, string>> = {};
let failedOp: OperationRecord | undefined;
let failedProgress: ResetProgress | undefined;
let membersAfterFailure: string[] = [];
let recordAfterFailure: ClusterRecord | undefined;
let cp2AfterFailure: Record<string, string> = {};
let resetError: unknown;
let resetOutput = '';
let progress: ResetProgress | undefined;
let hostsAfterReset: Record<string, Record<string, string>> = {};
let recordAfterReset: ClusterRecord | undefined;
let secondUpError: unknown;
let membersAfterSecondUp: string[] = [];
let readyAfterSecondUp: string[] = [];
let recordAfterSecondUp: ClusterRecord | undefined;

/** etcd's client and peer ports and the API server's on each control plane: `cp1:2379=open`, ... */
async function controlPlanePorts(): Promise<string[]> {
  const probes = ['cp1', 'cp2', 'cp3'].flatMap((h) => [2379, 2380, 6443].map((port) => [h, port] as const));
  const address = (h: string) => rig.lab.config.hosts.find((x) => x.name === h)?.address ?? '';
  return Promise.all(probes.map(async ([h, port]) => `${h}:${port}=${await tcpProbe(address(h), port)}`));
}

async function allLeftovers(): Promise<Record<string, Record<string, string>>> {
  return Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await leftovers(h)] as const)));
}

/** Runs `kubeha reset` until it waits at before-reset, then lets `decide` approve or reject. */
async function resetDecided(by: string, decide: (cluster: string) => Promise<void>): Promise<{ error: unknown; output: string; atGate: string }> {
  const cluster = rig.spec.name;
  const cli = text();
  const resetting = runReset({ cluster, by, stdout: cli.stream, ...rig.flags }).then(() => undefined, failed);
  await eventually(async () => (cli.read().includes('waiting for approval at before-reset') ? true : undefined), 'the before-reset gate', 120_000);
  const atGate = cli.read();
  await decide(cluster);
  const error = await resetting;
  return { error, output: cli.read(), atGate };
}

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.71', name: 'reset', controlPlanes: 3, workers: 1, loadBalancer: 'external' });
  await rig.startWorker();
  const specFile = rig.specFile();
  const up = () => runUp({ file: specFile, follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).then(() => undefined, failed);
  const upError = await timed('bring-up 3+1', up);
  if (upError) throw new Error(`bring-up failed: ${String(upError)}`);
  const cluster = rig.spec.name;
  // What a bring-up leaves, so that "nothing left" below can fail: root's kubeconfig as an operator copies it.
  await Promise.all(HOSTS.map((h) => rig.ok(h, 'mkdir -p /root/.kube && if [ -f /etc/kubernetes/admin.conf ]; then cp /etc/kubernetes/admin.conf /root/.kube/config; else echo placeholder > /root/.kube/config; fi')));
  // What an interrupted drill or certificate restart leaves on cp2: manifests kubeha would put back.
  await rig.ok('cp2', 'mkdir -p /var/lib/kubeha/drill-stopped /etc/kubernetes/kubeha-restart-manifests && cp /etc/kubernetes/manifests/kube-scheduler.yaml /var/lib/kubeha/drill-stopped/ && cp /etc/kubernetes/manifests/kube-scheduler.yaml /etc/kubernetes/kubeha-restart-manifests/');
  membersBefore = await members();
  caBefore = await caFingerprint();
  hostsBefore = await allLeftovers();
  portsBefore = await controlPlanePorts();

  unknownRefusal = await runReset({ cluster: `${cluster}-nope`, by: 'alice@ops', stdout: new PassThrough(), ...rig.flags }).then(() => undefined, failed);

  const rejected = await timed('kubeha reset, rejected', () =>
    resetDecided('alice@ops', async (c) => {
      selfApproval = await runApprove({ cluster: c, gate: 'before-reset', by: 'alice@ops', stdout: new PassThrough(), ...rig.flags }).then(() => undefined, failed);
      await runReject({ cluster: c, gate: 'before-reset', by: 'bob@ops', reason: 'wrong cluster', stdout: new PassThrough(), ...rig.flags });
    }),
  );
  gateOutput = rejected.atGate;
  rejectedError = rejected.error;
  membersAfterRejection = started(await members());
  readyAfterRejection = await readyNodes(rig, 'cp1');
  recordAfterRejection = await rig.opened.kubeha.record(cluster);
  hostsAfterRejection = await allLeftovers();

  // cp3's machine wiped behind kubeha's back: clean, yet still an etcd member and a Node. Removing
  // cp2's member first would leave cp1 alone with a dead cp3, without quorum.
  await timed('wipe cp3', () => rig.lab.host('cp3').wipe());

  // A first approved attempt fails at cp2: its kubeadm reset fails on every one of the activity's 5 attempts.
  await failNext(rig.lab.dir, { host: 'cp2', command: 'kubeadm reset', count: 5, message: 'error execution phase cleanup-node: injected', exitCode: 1 });
  await timed('kubeha reset, failing at cp2', async () => {
    const kubeha = rig.opened.kubeha;
    const accepted = await kubeha.request(cluster, { kind: 'reset', requestedBy: 'alice@ops', tuning: { retryInitialIntervalMs: 100 } });
    await eventually(() => kubeha.approve(cluster, 'before-reset', 'bob@ops').then(() => true), 'the before-reset gate of the failing attempt', 120_000);
    failedOp = await kubeha.awaitOperation(cluster, accepted.operationId, { pollMs: 250 });
    failedProgress = await kubeha.operationProgress<ResetProgress>(accepted.workflowId).catch(() => undefined);
  });
  membersAfterFailure = started(await members());
  recordAfterFailure = await rig.opened.kubeha.record(cluster);
  cp2AfterFailure = await leftovers('cp2');

  // Asked again, it goes on where it stopped.
  const approved = await timed('kubeha reset, approved', () =>
    resetDecided('alice@ops', async (c) => {
      await runApprove({ cluster: c, gate: 'before-reset', by: 'bob@ops', stdout: new PassThrough(), ...rig.flags });
    }),
  );
  resetError = approved.error;
  resetOutput = approved.output;
  recordAfterReset = await rig.opened.kubeha.record(cluster);
  const op = recordAfterReset.history.filter((o) => o.kind === 'reset').at(-1);
  progress = op ? await rig.opened.kubeha.operationProgress<ResetProgress>(op.workflowId).catch(() => undefined) : undefined;
  hostsAfterReset = await allLeftovers();
  portsAfterReset = await controlPlanePorts();

  secondUpError = await timed('bring-up 3+1 again', up);
  membersAfterSecondUp = secondUpError ? [] : started(await members());
  readyAfterSecondUp = secondUpError ? [] : await readyNodes(rig, 'cp1');
  recordAfterSecondUp = await rig.opened.kubeha.record(cluster);
  process.stdout.write(`reset-lab timings (ms): ${JSON.stringify(times)}\n`);
}, 900_000);

afterAll(async () => {
  await rig?.dispose();
});

it('a reset of a cluster kubeha does not know is refused, naming it', () => {
  expect(String(unknownRefusal)).toContain(`no cluster ${rig.spec.name}-nope`);
});

it('the before-reset gate shows every host the reset destroys, in the order it goes', () => {
  const address = (h: string) => rig.lab.config.hosts.find((x) => x.name === h)?.address;
  const lines = gateOutput.split('\n').filter((l) => l.startsWith('  | '));
  const hostLines = HOSTS.map((h) => lines.findIndex((l) => l.includes(`${h} (${address(h)})`)));
  expect(hostLines.every((i) => i >= 0)).toBe(true);
  const [cp1, cp2, cp3, w1] = hostLines as [number, number, number, number];
  expect([w1 < cp3, cp3 < cp2, cp2 < cp1]).toEqual([true, true, true]);
  expect(lines[cp1]).toMatch(/last: kubeadm reset -f/);
  expect(lines[cp2]).toMatch(/etcd member removed/);
  expect(lines[w1]).toMatch(/worker: drained/);
});

it('the one who asked for the reset cannot approve it', () => {
  expect(String(selfApproval)).toMatch(/alice@ops/);
});

it('a rejected reset leaves the cluster as it was: 3 etcd members, 4 Ready nodes, every host untouched, the record keeps the cluster', () => {
  expect(String(rejectedError)).toMatch(/rejected/);
  expect(membersAfterRejection).toEqual(['cp1', 'cp2', 'cp3']);
  expect(readyAfterRejection).toEqual(HOSTS);
  expect(hostsAfterRejection).toEqual(hostsBefore);
  expect(recordAfterRejection?.spec?.name).toBe(rig.spec.name);
  expect(recordAfterRejection?.nodes.map((n) => n.name).sort()).toEqual(HOSTS);
  expect(recordAfterRejection?.history.filter((o) => o.kind === 'reset').map((o) => o.outcome)).toEqual(['rejected']);
});

it('before the reset every host had the cluster on it (so the checks below can fail)', () => {
  for (const h of HOSTS) {
    const before = hostsBefore[h] ?? {};
    expect([h, before['/var/lib/kubelet'] !== '0', before['/etc/cni/net.d'] !== '0', before['root-kubeconfig'], before.kubelet]).toEqual([h, true, true, 'yes', 'active']);
  }
  for (const h of ['cp1', 'cp2', 'cp3']) expect([h, hostsBefore[h]?.['/var/lib/etcd'] !== '0', hostsBefore[h]?.['/etc/kubernetes/manifests'] !== '0']).toEqual([h, true, true]);
  expect([hostsBefore.cp2?.['/var/lib/kubeha'] !== '0', hostsBefore.cp2?.['/etc/kubernetes/kubeha-restart-manifests']]).toEqual([true, '1']);
});

it('an approved reset leaves nothing of the cluster on any host', () => {
  if (resetError) process.stdout.write(`reset failed: ${String(resetError)}\n${resetOutput}\n`);
  expect(resetError).toBeUndefined();
  for (const h of HOSTS) expect([h, hostsAfterReset[h]]).toEqual([h, CLEAN]);
  // Nothing of the control plane runs any more: etcd and the API servers are gone, not just their files.
  expect(portsBefore.every((p) => p.endsWith('=open'))).toBe(true);
  expect(portsAfterReset.filter((p) => !p.endsWith('=refused'))).toEqual([]);
});

it('a failed attempt stops at cp2 after the worker and cp3, with their etcd members and cp2\'s removed; the record keeps the cluster', () => {
  const idOf = (name: string) => membersBefore.find((m) => m.name === name)?.id;
  expect(started(membersBefore)).toEqual(['cp1', 'cp2', 'cp3']);
  expect([failedOp?.outcome, failedOp?.message]).toEqual(['failed', expect.stringContaining('reset-control-planes on cp2: cp2: kubeadm reset -f failed (exit 1)')]);
  expect(failedProgress?.outcomes.map((o) => [o.host, o.kubeadmReset, o.removedMemberIds, o.drain])).toEqual([
    ['w1', true, [], 'drained'],
    ['cp3', false, [idOf('cp3')], undefined],
  ]);
  expect([failedProgress?.failure?.step, failedProgress?.failure?.host, failedProgress?.failure?.reset]).toEqual(['reset-control-planes', 'cp2', ['cp3', 'w1']]);
  // The lab's etcd: cp2's member went before its reset was tried; cp1 alone keeps the cluster.
  expect(membersAfterFailure).toEqual(['cp1']);
  expect([cp2AfterFailure.confs !== '0', cp2AfterFailure['/etc/kubernetes/manifests'] !== '0']).toEqual([true, true]);
  expect(recordAfterFailure?.spec?.name).toBe(rig.spec.name);
});

it('asked again: the hosts already clean are only forgotten and cleaned, cp2 is reset, cp1 last', () => {
  expect(progress?.outcomes.map((o) => [o.host, o.kubeadmReset, o.removedMemberIds])).toEqual([
    ['w1', false, []],
    ['cp3', false, []],
    ['cp2', true, []],
    ['cp1', true, []],
  ]);
  expect(progress?.outcomes.find((o) => o.host === 'w1')?.drain).toBe('skipped');
  const steps = progress?.steps ?? [];
  expect(steps.map((s) => [s.id, s.status, s.hosts.map((h) => h.host)])).toEqual([
    ['approve-before-reset', 'succeeded', []],
    ['reset-workers', 'succeeded', ['w1']],
    ['reset-control-planes', 'succeeded', ['cp3', 'cp2']],
    ['reset-first-control-plane', 'succeeded', ['cp1']],
  ]);
  // Recorded times, not measured ones: each step ended before the next started, cp3 before cp2.
  const at = (t?: string) => Date.parse(t ?? '');
  for (let i = 1; i < steps.length; i++) expect(at(steps[i - 1]?.endedAt) <= at(steps[i]?.startedAt)).toBe(true);
  const [cp3, cp2] = steps[2]?.hosts ?? [];
  expect(at(cp3?.endedAt) <= at(cp2?.startedAt)).toBe(true);
  expect(progress?.approvals.map((a) => [a.gate, a.decision, a.by])).toEqual([['before-reset', 'approved', 'bob@ops']]);
});

it('the record forgets the cluster after the reset and keeps its history', () => {
  expect(recordAfterReset?.spec).toBeUndefined();
  expect(recordAfterReset?.kubernetesVersion).toBeUndefined();
  expect(recordAfterReset?.nodes).toEqual([]);
  expect(recordAfterReset?.history.map((o) => [o.kind, o.outcome])).toEqual([
    ['bring-up', 'succeeded'],
    ['reset', 'rejected'],
    ['reset', 'failed'],
    ['reset', 'succeeded'],
  ]);
});

it('kubeha up with the same spec brings the cluster up again on the same hosts: 3 etcd members, every node Ready', async () => {
  expect(secondUpError).toBeUndefined();
  expect(membersAfterSecondUp).toEqual(['cp1', 'cp2', 'cp3']);
  expect(readyAfterSecondUp).toEqual(HOSTS);
  expect(recordAfterSecondUp?.nodes.map((n) => n.name).sort()).toEqual(HOSTS);
  expect(recordAfterSecondUp?.history.map((o) => [o.kind, o.outcome])).toEqual([
    ['bring-up', 'succeeded'],
    ['reset', 'rejected'],
    ['reset', 'failed'],
    ['reset', 'succeeded'],
    ['bring-up', 'succeeded'],
  ]);
  // A new cluster, not the old one back: a new CA (etcd's first member id is not evidence: etcd derives it from the peer URL and cluster token alone).
  expect(await caFingerprint()).not.toBe(caBefore);
  // The members added by the joins are new ones.
  const oldIds = membersBefore.filter((m) => m.name !== 'cp1').map((m) => m.id);
  expect((await members()).filter((m) => oldIds.includes(m.id))).toEqual([]);
});
