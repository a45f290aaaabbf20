/**
 * Issue 11's replace on the lab, as a user does it: a 3+1 cluster behind HAProxy brought up with
 * `kubeha up`, the lab's cp4 and w2 kept out of the spec as spare machines (their own hostnames,
 * SSH host keys and addresses). cp2's host is stopped like a powered-off machine (sshd and every
 * process gone), then `kubeha replace <cluster> cp2 --address <cp4's address>`; then the worker w1
 * the same way onto w2. The lab's real etcd, real HAProxy config on lb1, kubectl, the certificates
 * on the new host and the cluster record are the evidence.
 */
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { runReplace } from '../../src/client/commands/replace';
import { runUp } from '../../src/client/commands/up';
import type { ClusterRecord, RejoinProgress } from '../../src/shared/operations';
import { labPaths } from '../../lab/layout';
import { ADMIN_CONF, etcdMembers, readyNodes, startRig, type EtcdMemberJson, type Rig, type SpecDoc } from '../helpers/bringup';
import { stepTimes, text } from '../helpers/capture';

jest.setTimeout(600_000);

let rig: Rig;

const SPARES = ['cp4', 'w2'];
const addressOf = (host: string): string => {
  const address = rig.lab.config.hosts.find((h) => h.name === host)?.address;
  if (!address) throw new Error(`no lab host ${host}`);
  return address;
};
const withoutSpares = (doc: SpecDoc): void => {
  doc.spec.hosts = (doc.spec.hosts as Array<{ name: string }>).filter((h) => !SPARES.includes(h.name));
};


const { times, timed } = stepTimes();

const replace = (node: string, address: string, stdout = new PassThrough()) =>
  runReplace({ cluster: rig.spec.name, node, newAddress: address, by: 'alice@ops', stdout, ...rig.flags }).then(
    () => undefined,
    (e: unknown) => e ?? 'failed',
  );

/** Node name -> InternalIP, from the lab's kubectl. */
async function nodeAddresses(): Promise<Record<string, string>> {
  const list = JSON.parse(await rig.ok('cp1', `kubectl --kubeconfig ${ADMIN_CONF} get nodes -o json`)) as {
    items: Array<{ metadata: { name: string }; status?: { addresses?: Array<{ type: string; address: string }> } }>;
  };
  return Object.fromEntries(list.items.map((n) => [n.metadata.name, n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '?']));
}

let oldCp2 = '';
let newCp2 = '';
let oldW1 = '';
let newW1 = '';
let before: EtcdMemberJson[] = [];
let haproxyBefore = '';
let refusals: Record<string, unknown> = {};
let historyBeforeRefusals = 0;
let afterRefusals: ClusterRecord | undefined;
let cpError: unknown;
let cpOutput = '';
let cpSteps: Array<[string, string]> = [];
let after: EtcdMemberJson[] = [];
let haproxyAfter = '';
let readyAfterCp: string[] = [];
let addressesAfterCp: Record<string, string> = {};
let sansOnNewCp2 = '';
let kubeletFlagsOnCp4 = '';
let storedCertSans: string[] = [];
let versionThroughVip = '';
let liveOldHost: unknown;
let membersAfterLiveRefusal: EtcdMemberJson[] = [];
let readyAfterLiveRefusal: string[] = [];
let deadNewHost: unknown;
let workerError: unknown;
let workerSteps: string[] = [];
let readyAfterWorker: string[] = [];
let addressesAfterWorker: Record<string, string> = {};
let record: ClusterRecord | undefined;

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.73', name: 'replace', controlPlanes: 4, workers: 2, loadBalancer: 'haproxy' });
  await rig.startWorker();
  const upError = await timed('bring-up 3+1', () =>
    runUp({ file: rig.specFile(withoutSpares), follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((err: unknown) => err ?? 'failed'),
  );
  if (upError) throw new Error(`bring-up failed: ${String(upError)}`);
  const cluster = rig.spec.name;
  [oldCp2, newCp2, oldW1, newW1] = [addressOf('cp2'), addressOf('cp4'), addressOf('w1'), addressOf('w2')];
  before = await etcdMembers(rig, 'cp1');
  haproxyBefore = await rig.ok('lb1', 'cat /etc/haproxy/haproxy.cfg');

  // Powered off: sshd and every process of cp2 gone, its address refuses connections.
  await timed('stop cp2', () => rig.lab.host('cp2').stop());

  historyBeforeRefusals = (await rig.opened.kubeha.record(cluster)).history.length;
  refusals = {
    sameAddress: await replace('cp2', oldCp2),
    takenAddress: await replace('cp2', addressOf('cp1')),
    unknownNode: await replace('cp9', newCp2),
    notAnAddress: await replace('cp2', 'not an address'),
  };
  afterRefusals = await rig.opened.kubeha.record(cluster);

  const cli = text();
  cpError = await timed('kubeha replace cp2', () => replace('cp2', newCp2, cli.stream));
  cpOutput = cli.read();
  const cpOp = (await rig.opened.kubeha.record(cluster)).history.find((op) => op.kind === 'replace');
  const progress = cpOp ? await rig.opened.kubeha.operationProgress<RejoinProgress>(cpOp.workflowId).catch(() => undefined) : undefined;
  cpSteps = (progress?.steps ?? []).map((s) => [s.id, s.status]);
  for (const step of progress?.steps ?? []) process.stdout.write(`replace cp2 ${step.id}: ${step.status} ${Date.parse(step.endedAt ?? '') - Date.parse(step.startedAt ?? '')} ms\n`);
  after = await etcdMembers(rig, 'cp1');
  haproxyAfter = await rig.ok('lb1', 'cat /etc/haproxy/haproxy.cfg');
  readyAfterCp = await readyNodes(rig, 'cp1');
  addressesAfterCp = await nodeAddresses();
  sansOnNewCp2 = await rig.ok('cp4', 'openssl x509 -in /etc/kubernetes/pki/apiserver.crt -noout -ext subjectAltName').catch(String);
  kubeletFlagsOnCp4 = await rig.ok('cp4', 'cat /var/lib/kubelet/kubeadm-flags.env').catch(String);
  storedCertSans = (JSON.parse(readFileSync(labPaths(rig.lab.dir).store, 'utf8')) as { cluster?: { certSans?: string[] } }).cluster?.certSans ?? [];
  versionThroughVip = await rig.ok('w1', `curl -fsS --cacert /etc/kubernetes/pki/ca.crt https://${rig.spec.controlPlaneEndpoint}/version`).catch(String);

  // cp3 still runs: replacing it would leave two hosts claiming the node, refused before anything changed.
  liveOldHost = await timed('kubeha replace cp3 while it runs (refused)', () => replace('cp3', newW1));
  membersAfterLiveRefusal = await etcdMembers(rig, 'cp1');
  readyAfterLiveRefusal = await readyNodes(rig, 'cp1');

  await rig.lab.host('w1').stop();
  // Nothing listens at .200: the new host does not answer.
  deadNewHost = await timed('kubeha replace w1 onto nothing (refused)', () => replace('w1', '127.0.73.200'));
  workerError = await timed('kubeha replace w1', () => replace('w1', newW1));
  const workerOp = (await rig.opened.kubeha.record(cluster)).history.at(-1);
  workerSteps = workerOp ? ((await rig.opened.kubeha.operationProgress<RejoinProgress>(workerOp.workflowId).catch(() => undefined))?.steps ?? []).map((s) => s.id) : [];
  readyAfterWorker = await readyNodes(rig, 'cp1');
  addressesAfterWorker = await nodeAddresses();
  record = await rig.opened.kubeha.record(cluster);
  process.stdout.write(`replace-lab timings (ms): ${JSON.stringify(times)}\n`);
}, 600_000);

afterAll(async () => {
  await rig?.dispose();
});

it('refuses, before anything is queued: the recorded address (that is a rejoin), another host\'s address, an unknown node, a malformed address', async () => {
  expect(String(refusals.sameAddress)).toContain(`${oldCp2} is cp2's recorded address: to join the same host again use kubeha rejoin`);
  expect(String(refusals.takenAddress)).toContain(`${addressOf('cp1')} is already the address of cp1 (control-plane)`);
  expect(String(refusals.unknownNode)).toContain('cp9 is not a node of cluster');
  expect(String(refusals.notAnAddress)).toContain('is not an IP address or DNS name');
  expect(afterRefusals?.history).toHaveLength(historyBeforeRefusals);
  expect(afterRefusals?.queue).toEqual([]);
  expect(afterRefusals?.current).toBeUndefined();
  expect(afterRefusals?.spec?.hosts.find((h) => h.name === 'cp2')?.address).toBe(oldCp2);
});

it('kubeha replace cp2 succeeds through the declared phases, nothing run on the dead host', () => {
  if (cpError) process.stdout.write(`replace cp2 failed: ${String(cpError)}\n${cpOutput}\n`);
  expect(cpError).toBeUndefined();
  expect(cpSteps).toEqual([
    ['check-cluster', 'succeeded'],
    ['check-replacement', 'succeeded'],
    ['remove-node', 'succeeded'],
    ['update-cluster-config', 'succeeded'],
    ['reset-host', 'succeeded'],
    ['preflight-host', 'succeeded'],
    ['join-node', 'succeeded'],
    ['update-load-balancer', 'succeeded'],
    ['verify-rejoin', 'succeeded'],
  ]);
  expect(cpOutput).toContain(`the old host ${oldCp2} does not answer: nothing was run on it`);
  expect(cpOutput).toContain(`change cp2's address to ${newCp2} in your spec file too`);
});

it('etcd has 3 started members again, cp2 at its new peer URL, none at the old address', () => {
  const oldMember = before.find((m) => m.name === 'cp2');
  expect(oldMember?.peerURLs).toEqual([`https://${oldCp2}:2380`]);
  const started = after.filter((m) => m.name && (m.clientURLs?.length ?? 0) > 0 && !m.isLearner);
  expect(started.map((m) => m.name).sort()).toEqual(['cp1', 'cp2', 'cp3']);
  expect(after).toHaveLength(3);
  expect(after.find((m) => m.name === 'cp2')?.peerURLs).toEqual([`https://${newCp2}:2380`]);
  expect(after.flatMap((m) => [...(m.peerURLs ?? []), ...(m.clientURLs ?? [])]).some((u) => u.includes(`//${oldCp2}:`))).toBe(false);
  expect(after.map((m) => m.ID)).not.toContain(oldMember?.ID);
});

it("HAProxy on lb1 now sends cp2's traffic to the new address and no longer to the old one", () => {
  expect(haproxyBefore).toContain(`server cp2 ${oldCp2}:6443 `);
  expect(haproxyAfter).toContain(`server cp2 ${newCp2}:6443 `);
  expect(haproxyAfter).not.toContain(oldCp2);
  expect(haproxyAfter.split('\n').filter((l) => l.trim().startsWith('server '))).toHaveLength(3);
});

it('the new host joined as node cp2 (its own hostname cp4 overridden by kubeadm), Ready at the new address; /version answers through the VIP', () => {
  expect(readyAfterCp).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
  expect(addressesAfterCp.cp2).toBe(newCp2);
  expect(addressesAfterCp.cp4).toBeUndefined();
  expect(kubeletFlagsOnCp4).toContain('--hostname-override=cp2');
  expect(kubeletFlagsOnCp4).toContain(`--node-ip=${newCp2}`);
  expect(JSON.parse(versionThroughVip)).toMatchObject({ gitVersion: rig.spec.kubernetesVersion });
});

it("kubeadm's ClusterConfiguration and the new API server certificate name the new address, not the old one", () => {
  expect(storedCertSans).toContain(newCp2);
  expect(storedCertSans).not.toContain(oldCp2);
  expect(sansOnNewCp2).toContain(`IP Address:${newCp2}`);
  expect(sansOnNewCp2).not.toContain(`IP Address:${oldCp2}`);
});

it('refuses to replace a control plane whose old host still runs as a node, and nothing changes', () => {
  expect(String(liveOldHost)).toContain(`check-replacement on cp3: the old host ${addressOf('cp3')} still answers and runs as a node`);
  expect(membersAfterLiveRefusal.map((m) => [m.name, m.peerURLs]).sort()).toEqual(after.map((m) => [m.name, m.peerURLs]).sort());
  expect(readyAfterLiveRefusal).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
});

it('refuses a new address where no host answers SSH', () => {
  expect(String(deadNewHost)).toContain('check-replacement on w1: the new host 127.0.73.200 does not answer SSH');
});

it('a dead worker is replaced too: w1 Ready at w2\'s address, without the control-plane-only phases', () => {
  expect(workerError).toBeUndefined();
  expect(workerSteps).toEqual(['check-cluster', 'check-replacement', 'remove-node', 'reset-host', 'preflight-host', 'join-node', 'verify-rejoin']);
  expect(readyAfterWorker).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
  expect(addressesAfterWorker.w1).toBe(newW1);
});

it('the record has the new addresses in its spec and nodes, and both replaces succeeded', () => {
  const addresses = Object.fromEntries((record?.spec?.hosts ?? []).map((h) => [h.name, h.address]));
  expect(addresses.cp2).toBe(newCp2);
  expect(addresses.w1).toBe(newW1);
  expect(record?.nodes.find((n) => n.name === 'cp2')).toMatchObject({ address: newCp2, etcdMemberId: expect.any(String) });
  expect(record?.nodes.find((n) => n.name === 'w1')?.address).toBe(newW1);
  const replaces = record?.history.filter((op) => op.kind === 'replace') ?? [];
  expect(replaces.map((op) => [op.summary, op.outcome, op.requestedBy])).toEqual([
    [`replace cp2 (control-plane) ${oldCp2} -> ${newCp2}`, 'succeeded', 'alice@ops'],
    [`replace cp3 (control-plane) ${addressOf('cp3')} -> ${newW1}`, 'failed', 'alice@ops'],
    [`replace w1 (worker) ${oldW1} -> 127.0.73.200`, 'failed', 'alice@ops'],
    [`replace w1 (worker) ${oldW1} -> ${newW1}`, 'succeeded', 'alice@ops'],
  ]);
  expect(replaces[0]?.message).toContain(`cp2 now at ${newCp2}`);
});
