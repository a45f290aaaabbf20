/**
 * Issue 11's rejoin on the lab, as a user does it: a 3+1 cluster behind HAProxy brought up with
 * `kubeha up`; cp2's host wiped to a fresh OS at the same address (`lab.host('cp2').wipe()`), then
 * `kubeha rejoin <cluster> cp2` through the cluster workflow. The lab's real etcd (etcdctl on cp1),
 * kubectl and the cluster record are the evidence. Then the worker w1 wiped and rejoined, and a
 * rejoin of a node the cluster does not have refused before anything runs.
 */
import { PassThrough } from 'node:stream';
import { runRejoin } from '../../src/client/commands/rejoin';
import { runUp } from '../../src/client/commands/up';
import type { ClusterRecord, RejoinProgress } from '../../src/shared/operations';
import { ADMIN_CONF, etcdMemberRows, readyNodes, startRig, type EtcdMemberRow, type Rig } from '../helpers/bringup';
import { stepTimes, text } from '../helpers/capture';

jest.setTimeout(600_000);

let rig: Rig;

const members = (): Promise<EtcdMemberRow[]> => etcdMemberRows(rig, 'cp1');


const { times, timed } = stepTimes();

let before: EtcdMemberRow[] = [];
let tokensBefore: string[] = [];

const tokenIds = async (): Promise<string[]> =>
  (await rig.ok('cp1', `kubeadm token list --kubeconfig ${ADMIN_CONF}`))
    .split('\n')
    .filter((l) => /^[a-z0-9]{6}\./.test(l))
    .map((l) => l.slice(0, 6))
    .sort();
let wipedState = '';
let cpOutput = '';
let cpError: unknown;
let afterCp: EtcdMemberRow[] = [];
let readyAfterCp: string[] = [];
let workerError: unknown;
let readyAfterWorker: string[] = [];
let refusal: unknown;
let record: ClusterRecord | undefined;
let recordBeforeRefusal: ClusterRecord | undefined;
let runningError: unknown;
let runningSteps: string[][] = [];
let readyAfterRunning: string[] = [];
let quorumRefusal: unknown;
let membersBeforeQuorumRefusal: EtcdMemberRow[] = [];
let membersAfterQuorumRefusal: EtcdMemberRow[] = [];
let cp2ReadyAfterQuorumRefusal = false;

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.67', name: 'rejoin', controlPlanes: 3, workers: 1, loadBalancer: 'haproxy' });
  await rig.startWorker();
  const upError = await timed('bring-up 3+1', () =>
    runUp({ file: rig.specFile(), follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((err: unknown) => err ?? 'failed'),
  );
  if (upError) throw new Error(`bring-up failed: ${String(upError)}`);
  const cluster = rig.spec.name;
  before = await members();
  tokensBefore = await tokenIds();

  await timed('wipe cp2', () => rig.lab.host('cp2').wipe());
  // Over real SSH with strict host-key checking: the wiped host still has its host key.
  wipedState = await rig.ok('cp2', 'echo "$(find /etc/kubernetes /var/lib/etcd /var/lib/kubelet /var/lib/kubeha /root -mindepth 1 | wc -l) files, swap $(swapon --show=NAME --noheadings | wc -l), kubeadm $(kubeadm version -o short)"');

  const cli = text();
  cpError = await timed('kubeha rejoin cp2', () => runRejoin({ cluster, node: 'cp2', by: 'alice@ops', stdout: cli.stream, ...rig.flags }).catch((e: unknown) => e ?? 'failed'));
  cpOutput = cli.read();
  const cpOp = (await rig.opened.kubeha.record(cluster)).history.find((op) => op.kind === 'rejoin');
  const progress = cpOp ? await rig.opened.kubeha.operationProgress<RejoinProgress>(cpOp.workflowId).catch(() => undefined) : undefined;
  for (const step of progress?.steps ?? []) process.stdout.write(`rejoin cp2 ${step.id}: ${step.status} ${Date.parse(step.endedAt ?? '') - Date.parse(step.startedAt ?? '')} ms\n`);
  afterCp = await members();
  readyAfterCp = await readyNodes(rig, 'cp1');

  await timed('wipe w1', () => rig.lab.host('w1').wipe());
  workerError = await timed('kubeha rejoin w1', () => runRejoin({ cluster, node: 'w1', by: 'alice@ops', stdout: new PassThrough(), ...rig.flags }).catch((e: unknown) => e ?? 'failed'));
  readyAfterWorker = await readyNodes(rig, 'cp1');

  // A running node (not wiped) is drained and reset before it joins again.
  runningError = await timed('kubeha rejoin w1 (running, not wiped)', () => runRejoin({ cluster, node: 'w1', by: 'alice@ops', stdout: new PassThrough(), ...rig.flags }).catch((e: unknown) => e ?? 'failed'));
  const runningOp = (await rig.opened.kubeha.record(cluster)).history.at(-1);
  runningSteps = runningOp ? ((await rig.opened.kubeha.operationProgress<RejoinProgress>(runningOp.workflowId).catch(() => undefined))?.steps ?? []).map((st) => [st.id, st.status]) : [];
  readyAfterRunning = await readyNodes(rig, 'cp1');

  recordBeforeRefusal = await rig.opened.kubeha.record(cluster);
  refusal = await runRejoin({ cluster, node: 'cp9', by: 'alice@ops', stdout: new PassThrough(), ...rig.flags }).catch((e: unknown) => e);
  record = await rig.opened.kubeha.record(cluster);

  // cp3 down: removing cp2's member would leave cp1 and cp3 with one healthy, so the rejoin must refuse before touching cp2.
  await rig.lab.host('cp3').stop();
  membersBeforeQuorumRefusal = await members();
  quorumRefusal = await timed('kubeha rejoin cp2 with cp3 down (refused)', () =>
    runRejoin({ cluster, node: 'cp2', by: 'alice@ops', stdout: new PassThrough(), ...rig.flags }).then(() => undefined, (e: unknown) => e ?? 'failed'),
  );
  membersAfterQuorumRefusal = await members();
  cp2ReadyAfterQuorumRefusal = (await readyNodes(rig, 'cp1')).includes('cp2');
  process.stdout.write(`rejoin-lab timings (ms): ${JSON.stringify(times)}\n`);
}, 600_000);

afterAll(async () => {
  await rig?.dispose();
});

it('the wipe leaves a fresh OS at the same address: no Kubernetes, etcd or kubelet state, packages as provisioned, same SSH host key', () => {
  expect(wipedState.trim()).toBe(`0 files, swap 1, kubeadm ${rig.spec.kubernetesVersion}`);
});

it('kubeha rejoin brings etcd back to 3 started members: cp2 a new member, its old one gone', () => {
  if (cpError) process.stdout.write(`rejoin cp2 failed: ${String(cpError)}\n${cpOutput}\n`);
  expect(cpError).toBeUndefined();
  expect(cpOutput).toContain('rejoin of cp2');
  const oldCp2 = before.find((m) => m.name === 'cp2');
  expect(oldCp2).toBeDefined();
  expect(afterCp.map((m) => [m.name, m.status, m.isLearner]).sort()).toEqual([
    ['cp1', 'started', false],
    ['cp2', 'started', false],
    ['cp3', 'started', false],
  ]);
  const newCp2 = afterCp.find((m) => m.name === 'cp2');
  expect(newCp2?.id).not.toBe(oldCp2?.id);
  expect(afterCp.map((m) => m.id)).not.toContain(oldCp2?.id);
});

it('kubectl shows cp2 Ready again, and the record has the rejoin succeeded with cp2\'s new member id', async () => {
  expect(readyAfterCp).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
  const rejoins = record?.history.filter((op) => op.kind === 'rejoin') ?? [];
  expect(rejoins.map((op) => [op.summary, op.outcome, op.requestedBy])).toEqual([
    ['rejoin cp2 (control-plane)', 'succeeded', 'alice@ops'],
    ['rejoin w1 (worker)', 'succeeded', 'alice@ops'],
    ['rejoin w1 (worker)', 'succeeded', 'alice@ops'],
  ]);
  const newCp2 = afterCp.find((m) => m.name === 'cp2');
  expect(record?.nodes.find((n) => n.name === 'cp2')?.etcdMemberId).toBe(newCp2?.id);
  expect(rejoins[0]?.message).toContain(`etcd member ${before.find((m) => m.name === 'cp2')?.id} removed`);
  // The rejoins' credentials are gone: the same bootstrap tokens as after the bring-up, no kubeadm-certs Secret.
  expect(await tokenIds()).toEqual(tokensBefore);
  const secrets = await rig.ok('cp1', `kubectl --kubeconfig ${ADMIN_CONF} -n kube-system get secrets -o name`);
  expect(secrets).not.toContain('kubeadm-certs');
});

it('a wiped worker is rejoined too: w1 Ready again', () => {
  expect(workerError).toBeUndefined();
  expect(readyAfterWorker).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
});

it('a running worker (not wiped) is drained, reset and joined again: every step ran, w1 Ready', () => {
  expect(runningError).toBeUndefined();
  expect(runningSteps).toEqual([
    ['check-cluster', 'succeeded'],
    ['drain-node', 'succeeded'],
    ['remove-node', 'succeeded'],
    ['reset-host', 'succeeded'],
    ['preflight-host', 'succeeded'],
    ['join-node', 'succeeded'],
    ['verify-rejoin', 'succeeded'],
  ]);
  expect(readyAfterRunning).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
});

it('a rejoin of a node the cluster does not have is refused before anything runs', () => {
  expect(String(refusal)).toContain('cp9 is not a node of cluster');
  expect(record?.history.length).toBe(recordBeforeRefusal?.history.length);
  expect(record?.current).toBeUndefined();
  expect(record?.queue).toEqual([]);
});

it('with cp3 down, a rejoin of cp2 is refused because removing its member would lose quorum, and cp2 is left as it was', () => {
  expect(String(quorumRefusal)).toContain("removing cp2's etcd member would lose quorum");
  expect(membersAfterQuorumRefusal).toEqual(membersBeforeQuorumRefusal);
  expect(membersAfterQuorumRefusal.map((m) => m.name).sort()).toEqual(['cp1', 'cp2', 'cp3']);
  expect(cp2ReadyAfterQuorumRefusal).toBe(true);
});
