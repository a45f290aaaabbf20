/**
 * Issue 11's "topologies in every operation", external etcd, on the lab with the real Temporal dev
 * server: three real etcd members on their own hosts (set up by the lab before kubeha, as the
 * operator would, with the CA and the API server's client pair copied to cp1), two control planes
 * and a worker behind HAProxy. `kubeha up` brings the cluster up; cp2's host is wiped and `kubeha
 * rejoin` brings it back; cp1's certificates are re-issued to expire in 10 days and `kubeha certs
 * renew` renews them. One cluster for the whole file. The evidence is the lab's own: etcdctl on
 * the etcd hosts, the files and manifests on the control planes, kubectl, the API servers' /readyz,
 * kubeadm certs check-expiration and the cluster record.
 */
import { PassThrough } from 'node:stream';
import { etcdMemberListCommand } from '../../lab/hosts/external-etcd';
import { parseCheckExpiration } from '../../src/certificates/expiration';
import { runCerts } from '../../src/client/commands/certs';
import { runRejoin } from '../../src/client/commands/rejoin';
import { runUp } from '../../src/client/commands/up';
import type { CertificatesResult, ClusterRecord } from '../../src/shared/operations';
import { eventually, readyNodes, startRig, type Rig } from '../helpers/bringup';

jest.setTimeout(900_000);

const DAY = 86_400_000;
const USER_FILES = '/etc/kubernetes/pki/etcd/ca.crt /etc/kubernetes/pki/apiserver-etcd-client.crt /etc/kubernetes/pki/apiserver-etcd-client.key';

let rig: Rig;
let cluster = '';
const times: Record<string, number> = {};
const errors: Record<string, unknown> = {};

interface Member {
  ID: string;
  name: string;
  clientURLs: string[];
  isLearner?: boolean;
}

const etcdHosts = () => rig.lab.config.hosts.filter((h) => h.role === 'etcd');
const endpoints = () => etcdHosts().map((h) => `https://${h.address}:2379`);
const address = (host: string): string => rig.lab.config.hosts.find((h) => h.name === host)?.address ?? '';

/** The external cluster's members as etcdctl on etcd1 lists them (ids exact: uint64 as text). */
async function members(): Promise<Member[]> {
  const out = await rig.ok('etcd1', etcdMemberListCommand(etcdHosts()));
  return (JSON.parse(out.replace(/"(ID|member_id|cluster_id)":(\d+)/g, '"$1":"$2"')) as { members: Member[] }).members;
}

async function healthyEndpoints(): Promise<number> {
  const r = await rig.lab.host('etcd1').run(etcdMemberListCommand(etcdHosts()).replace('member list -w json', 'endpoint health --cluster'), { timeoutMs: 30_000 });
  return (`${r.stdout}${r.stderr}`.match(/ is healthy/g) ?? []).length;
}

const readyz = async (host: string): Promise<string> => (await rig.lab.host(host).run(`curl -sS --max-time 5 --cacert /etc/kubernetes/pki/ca.crt https://${address(host)}:6443/readyz`)).stdout;
const manifests = async (host: string): Promise<string> => rig.ok(host, 'ls /etc/kubernetes/manifests');
const userFileSums = async (host: string): Promise<string> => rig.ok(host, `sha256sum ${USER_FILES} | cut -d" " -f1`);

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  const started = Date.now();
  try {
    return await fn();
  } catch (err) {
    errors[what] = err ?? 'failed';
    return undefined;
  } finally {
    times[what] = Date.now() - started;
  }
}

let preflightRefusal = '';
let cp1AfterRefusal = '';
let membersAfterUp: Member[] = [];
let healthyAfterUp = 0;
let manifestsAfterUp: Record<string, string> = {};
let apiserverFlags = '';
let readyAfterUp: string[] = [];
let recordAfterUp: ClusterRecord | undefined;
let wipedFiles = '';
let membersAfterRejoin: Member[] = [];
let readyAfterRejoin: string[] = [];
let cp2Manifests = '';
let cp2Readyz = '';
let cp2Sums = '';
let cp1Sums = '';
let refusal: unknown;
let cp2AfterRefusal = '';
let readyAfterRefusal: string[] = [];
let membersAfterRefusal: Member[] = [];
let renewed: CertificatesResult | undefined;
let cp1Tables: ReturnType<typeof parseCheckExpiration>;
let cp1ClientCertBefore = '';
let cp1ClientCertAfter = '';

beforeAll(async () => {
  const started = Date.now();
  rig = await startRig({ addressPrefix: '127.0.75', name: 'xetcd', controlPlanes: 2, workers: 1, loadBalancer: 'external', externalEtcd: 3 });
  times['lab up (3 etcd members)'] = Date.now() - started;
  await rig.startWorker();
  cluster = rig.spec.name;
  // The user forgot to copy the files: the bring-up (of another cluster name) stops at preflight, before kubeadm runs anywhere.
  await rig.ok('cp1', 'mkdir -p /root/kept && mv /etc/kubernetes/pki/apiserver-etcd-client.key /root/kept/');
  const forgot = await timed('kubeha up without the files (refused at preflight)', async () => {
    const file = rig.specFile((doc) => (doc.metadata.name = `${cluster}-nofiles`));
    return runUp({ file, follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).then(() => 'succeeded', (e: unknown) => String(e));
  });
  preflightRefusal = forgot ?? '';
  cp1AfterRefusal = await rig.ok('cp1', 'ls /etc/kubernetes; ls /etc/kubernetes/pki');
  await rig.ok('cp1', 'mv /root/kept/apiserver-etcd-client.key /etc/kubernetes/pki/');
  const out = new PassThrough();
  let upText = '';
  out.on('data', (d: Buffer) => (upText += d.toString()));
  await timed('kubeha up 2 cp + 1 worker', () => runUp({ file: rig.specFile(), follow: true, by: 'e2e@lab', stdout: out, stderr: out, ...rig.flags }));
  if (errors['kubeha up 2 cp + 1 worker']) throw new Error(`bring-up failed: ${String(errors['kubeha up 2 cp + 1 worker'])}\n${upText}`);
  membersAfterUp = await members();
  healthyAfterUp = await healthyEndpoints();
  manifestsAfterUp = { cp1: await manifests('cp1'), cp2: await manifests('cp2') };
  apiserverFlags = await rig.ok('cp2', 'grep -- --etcd- /etc/kubernetes/manifests/kube-apiserver.yaml');
  readyAfterUp = await readyNodes(rig, 'cp1');
  recordAfterUp = await rig.opened.kubeha.record(cluster);

  await timed('wipe cp2', () => rig.lab.host('cp2').wipe());
  wipedFiles = await rig.ok('cp2', 'find /etc/kubernetes -mindepth 1 | wc -l');
  const rejoinOut = new PassThrough();
  let rejoinText = '';
  rejoinOut.on('data', (d: Buffer) => (rejoinText += d.toString()));
  await timed('kubeha rejoin cp2', () => runRejoin({ cluster, node: 'cp2', by: 'alice@ops', stdout: rejoinOut, ...rig.flags }));
  if (errors['kubeha rejoin cp2']) process.stdout.write(`rejoin output:\n${rejoinText}\n`);
  membersAfterRejoin = await members();
  readyAfterRejoin = await readyNodes(rig, 'cp1');
  cp2Manifests = await manifests('cp2').catch(() => '');
  cp2Readyz = await readyz('cp2');
  cp2Sums = await userFileSums('cp2').catch(() => '');
  cp1Sums = await userFileSums('cp1');

  // Two of three external members frozen: the external etcd has no quorum, so a rejoin of cp2 must refuse before touching it.
  await Promise.all(['etcd2', 'etcd3'].map((h) => rig.lab.host(h).freeze()));
  try {
    const started = Date.now();
    refusal = await runRejoin({ cluster, node: 'cp2', by: 'alice@ops', stdout: new PassThrough(), ...rig.flags }).then(() => undefined, (e: unknown) => e ?? 'failed');
    times['kubeha rejoin cp2 without external quorum (refused)'] = Date.now() - started;
    cp2AfterRefusal = await rig.ok('cp2', 'ls /etc/kubernetes/kubelet.conf /etc/kubernetes/manifests');
    readyAfterRefusal = await readyNodes(rig, 'cp1');
  } finally {
    await Promise.all(['etcd2', 'etcd3'].map((h) => rig.lab.host(h).thaw()));
  }
  await eventually(async () => ((await healthyEndpoints()) === 3 ? true : undefined), 'the external etcd healthy again after the thaw');
  membersAfterRefusal = await members();

  cp1ClientCertBefore = await rig.ok('cp1', 'sha256sum /etc/kubernetes/pki/apiserver-etcd-client.crt');
  await timed('certs-near-expiry cp1', () => rig.lab.host('cp1').expireCertificatesIn(10));
  renewed = await timed('kubeha certs renew', () => runCerts({ cluster, action: 'renew', within: '30d', by: 'alice@ops', stdout: new PassThrough(), ...rig.flags }));
  cp1Tables = parseCheckExpiration(await rig.ok('cp1', 'kubeadm certs check-expiration'));
  cp1ClientCertAfter = await rig.ok('cp1', 'sha256sum /etc/kubernetes/pki/apiserver-etcd-client.crt');
  process.stdout.write(`external-etcd-lab timings (ms): ${JSON.stringify(times)}\n`);
}, 900_000);

afterAll(async () => {
  await rig?.dispose();
});

it("kubeha up stops at preflight when the user's files are not on the first control plane, before kubeadm runs anywhere", () => {
  expect(preflightRefusal).toContain('preflight');
  expect(preflightRefusal).toContain('cp1: [ExternalEtcdClientCertificates] /etc/kubernetes/pki/apiserver-etcd-client.key not found: with external etcd, copy etcd/ca.crt and apiserver-etcd-client.crt/.key from an etcd node');
  expect(cp1AfterRefusal).toBe('pki\napiserver-etcd-client.crt\netcd\n');
});

it('kubeha up: the external etcd has its 3 healthy members, the control planes run no etcd and use the external endpoints, every node is Ready', () => {
  expect(membersAfterUp.map((m) => [m.name, m.isLearner ?? false]).sort()).toEqual([['etcd1', false], ['etcd2', false], ['etcd3', false]]);
  expect(healthyAfterUp).toBe(3);
  expect(manifestsAfterUp).toEqual({
    cp1: 'kube-apiserver.yaml\nkube-controller-manager.yaml\nkube-scheduler.yaml\n',
    cp2: 'kube-apiserver.yaml\nkube-controller-manager.yaml\nkube-scheduler.yaml\n',
  });
  expect(apiserverFlags).toContain(`--etcd-servers=${endpoints().join(',')}`);
  expect(apiserverFlags).toContain('--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt');
  expect(readyAfterUp).toEqual(['cp1', 'cp2', 'w1']);
  expect(recordAfterUp?.history.map((op) => [op.kind, op.outcome])).toEqual([['bring-up', 'succeeded']]);
});

it('kubeha rejoin brings the wiped cp2 back: Ready, the external files downloaded, no etcd of its own, the external members unchanged', () => {
  expect(errors['kubeha rejoin cp2']).toBeUndefined();
  expect(wipedFiles.trim()).toBe('0');
  expect(readyAfterRejoin).toEqual(['cp1', 'cp2', 'w1']);
  expect(cp2Manifests).toBe('kube-apiserver.yaml\nkube-controller-manager.yaml\nkube-scheduler.yaml\n');
  expect(cp2Readyz).toBe('ok');
  expect(cp2Sums).toBe(cp1Sums);
  expect(membersAfterRejoin.map((m) => m.ID).sort()).toEqual(membersAfterUp.map((m) => m.ID).sort());
});

it('a rejoin of a control plane is refused while the external etcd has no quorum, and nothing is changed', () => {
  process.stdout.write(`refusal: ${String(refusal)}\n`);
  expect(String(refusal)).toContain('nothing was changed');
  expect(String(refusal)).toMatch(/check-cluster on cp1: the external etcd has [01] of 3 voting member\(s\) healthy \(quorum needs 2\)/);
  expect(cp2AfterRefusal).toBe('/etc/kubernetes/kubelet.conf\n\n/etc/kubernetes/manifests:\nkube-apiserver.yaml\nkube-controller-manager.yaml\nkube-scheduler.yaml\n');
  expect(readyAfterRefusal).toEqual(['cp1', 'cp2', 'w1']);
  expect(membersAfterRefusal.map((m) => m.ID).sort()).toEqual(membersAfterUp.map((m) => m.ID).sort());
});

it('kubeha certs renew renews cp1 (no etcd certificate in sight), and leaves the user\'s etcd client certificate alone', () => {
  expect(errors['certs-near-expiry cp1']).toBeUndefined();
  expect(errors['kubeha certs renew']).toBeUndefined();
  expect(renewed?.renewed).toEqual(['cp1']);
  expect(cp1Tables?.certificates.map((c) => c.name)).not.toContain('apiserver-etcd-client');
  expect(cp1Tables?.authorities.map((c) => c.name)).toEqual(['ca', 'front-proxy-ca']);
  for (const c of cp1Tables?.certificates ?? []) expect([c.name, Date.parse(c.expires) - Date.now() > 360 * DAY]).toEqual([c.name, true]);
  expect(cp1ClientCertAfter).toBe(cp1ClientCertBefore);
});
