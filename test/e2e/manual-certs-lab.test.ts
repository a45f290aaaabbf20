/**
 * Issue 11 item 6 on the lab: a 3+1 cluster behind HAProxy with `certificateDistribution: manual`
 * (the HA guide's "Manual certificate distribution"), one cluster for the whole file:
 * - `kubeha up`: no kubeadm-certs Secret ever made, the control planes share cp1's CA,
 *   service-account key, front-proxy CA and etcd CA (fingerprints read on each host), 3 started
 *   etcd members, and no history holds the CA key's PEM body (raw or decoded through the codec);
 * - the lab's kubeadm refuses a control-plane join without a certificate key on a host without the
 *   shared certificates, with kubeadm's checkIfReadyForAdditionalControlPlane message;
 * - cp2 wiped (`lab.host('cp2').wipe()`) and `kubeha rejoin` copies the files again from a healthy
 *   control plane: 3 started members, the stale one gone, the same CA;
 * - cp1's certificates near expiry (lab fault) renewed with `kubeha certs renew`.
 */
import { PassThrough } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import type { KubehaActivities } from '../../src/activities/types';
import { parseCheckExpiration } from '../../src/certificates/expiration';
import { runCerts } from '../../src/client/commands/certs';
import { runRejoin } from '../../src/client/commands/rejoin';
import { runUp } from '../../src/client/commands/up';
import { clusterSettings } from '../../src/spec/hosts';
import type { HostSpec } from '../../src/spec/types';
import { clusterWorkflowId, type CertificatesResult, type RejoinProgress } from '../../src/shared/operations';
import { decodedHistoryText, etcdMembers, historyText, labWorkerFiles, readyNodes, realActivities, startRig, startedMemberNames, type EtcdMemberJson, type Rig } from '../helpers/bringup';

jest.setTimeout(900_000);

const DAY = 86_400_000;
const CONTROL_PLANES = ['cp1', 'cp2', 'cp3'];
const SHARED = ['ca.crt', 'ca.key', 'sa.key', 'sa.pub', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'etcd/ca.crt', 'etcd/ca.key'];
let rig: Rig;
let cluster = '';
const errors: Record<string, unknown> = {};
const times: Record<string, number> = {};

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  const started = Date.now();
  try {
    return await fn();
  } catch (err) {
    errors[what] = err;
    process.stdout.write(`${what} failed: ${String(err)}\n`);
    return undefined;
  } finally {
    times[what] = Date.now() - started;
  }
}

/** sha256 of every shared file on `host`, as `sha256sum` prints it (path relative to the PKI dir). */
async function sharedDigests(host: string): Promise<string> {
  return rig.ok(host, `cd /etc/kubernetes/pki && sha256sum ${SHARED.join(' ')}`);
}

/** `<mode> <path>` of the shared files on `host`. */
async function sharedModes(host: string): Promise<string> {
  return rig.ok(host, `cd /etc/kubernetes/pki && stat -c '%a %n' ${SHARED.join(' ')}`);
}

const caFingerprint = (host: string): Promise<string> => rig.ok(host, 'openssl x509 -noout -fingerprint -sha256 -in /etc/kubernetes/pki/ca.crt');

/** Every history this cluster's operations wrote: the cluster workflow, each operation, each join child. */
async function histories(): Promise<{ id: string; raw: string; decoded: string }[]> {
  const record = await rig.opened.kubeha.record(cluster);
  const ids = [clusterWorkflowId(cluster), ...record.history.map((op) => op.workflowId), ...['cp2', 'cp3', 'w1'].map((h) => `${rig.workflowId}-join-${h}`)];
  const out = [];
  for (const id of [...new Set(ids)]) {
    const history = await rig.env.client.workflow.getHandle(id).fetchHistory();
    out.push({ id, raw: historyText(history), decoded: await decodedHistoryText(history) });
  }
  return out;
}

const etcdApplied = async (): Promise<EtcdMemberJson[]> => etcdMembers(rig, 'cp1');

const digestsAfterUp: Record<string, string> = {};
let modesOnCp2 = '';
let secretsAfterUp = '';
let initLog = '';
let membersAfterUp: string[] = [];
let caKeyBody = '';
let keylessJoin = { code: -1, output: '' };
let foreignRefusal: unknown;
let foreignLeft = '';
let membersBeforeRejoin: EtcdMemberJson[] = [];
let membersAfterRejoin: EtcdMemberJson[] = [];
let rejoinSteps: string[][] = [];
const fingerprints: Record<string, string> = {};
let renewed: CertificatesResult | undefined;
let expiringBefore: number[] = [];
let historyChecks: { id: string; raw: string; decoded: string }[] = [];

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.74', name: 'manual-certs', controlPlanes: 3, workers: 1, loadBalancer: 'haproxy' });
  await rig.startWorker();
  cluster = rig.spec.name;
  const file = rig.specFile((doc) => {
    // The certificate key's lifetime means nothing without an upload: validation refuses it.
    delete doc.spec.certificateKey;
    doc.spec.certificateDistribution = 'manual';
  });
  await timed('bring-up', () => runUp({ file, follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }));
  if (errors['bring-up']) return;
  for (const h of CONTROL_PLANES) digestsAfterUp[h] = await sharedDigests(h);
  modesOnCp2 = await sharedModes('cp2');
  secretsAfterUp = await rig.ok('cp1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get secrets -o name');
  initLog = await rig.ok('cp1', 'cat /var/lib/kubeha/runs/kubeadm-init/log');
  membersAfterUp = startedMemberNames(await etcdApplied());
  caKeyBody = (await rig.ok('cp1', 'cat /etc/kubernetes/pki/ca.key')).replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

  await timed('wipe cp2', () => rig.lab.host('cp2').wipe());
  // The lab's kubeadm, as a person would run it on the wiped host: a control-plane join with a valid token but no key and no certificates.
  await timed('keyless join', async () => {
    const join = (await rig.ok('cp1', 'kubeadm token create --ttl 10m --print-join-command')).trim();
    const r = await rig.lab.host('cp2').run(`${join} --control-plane --ignore-preflight-errors=all`, { timeoutMs: 120_000 });
    keylessJoin = { code: r.code ?? -1, output: `${r.stdout}${r.stderr}` };
    await rig.ok('cp1', `kubeadm token delete ${/--token (\S+)/.exec(join)?.[1] ?? ''}`);
  });
  // A wiped host that holds another cluster's CA: the copy refuses on the real shell and writes nothing.
  await timed('foreign CA', async () => {
    await rig.ok('cp2', 'mkdir -p /etc/kubernetes/pki && openssl req -x509 -newkey rsa:2048 -nodes -keyout /tmp/other-ca.key -out /etc/kubernetes/pki/ca.crt -subj /CN=other -days 1 2>/dev/null');
    const { activities, ssh } = realActivities(labWorkerFiles(rig.lab.dir));
    const hostNamed = (name: string) => rig.spec.hosts.find((h) => h.name === name) as HostSpec;
    try {
      foreignRefusal = await (activities as KubehaActivities)
        .copySharedCertificates({ cluster: { ...clusterSettings(rig.spec), certificateDistribution: 'manual' }, host: hostNamed('cp1'), target: hostNamed('cp2') })
        .then(() => 'copied', (err: unknown) => err);
    } finally {
      await ssh.close();
    }
    foreignLeft = await rig.ok('cp2', 'ls /etc/kubernetes/pki /etc/kubeha');
  });
  membersBeforeRejoin = await etcdApplied();
  await timed('rejoin cp2', () => runRejoin({ cluster, node: 'cp2', by: 'e2e@lab', stdout: new PassThrough(), ...rig.flags }));
  const op = (await rig.opened.kubeha.record(cluster)).history.find((o) => o.kind === 'rejoin');
  const progress = op ? await rig.opened.kubeha.operationProgress<RejoinProgress>(op.workflowId).catch(() => undefined) : undefined;
  rejoinSteps = (progress?.steps ?? []).map((s) => [s.id, s.status]);
  membersAfterRejoin = await etcdApplied();
  for (const h of CONTROL_PLANES) fingerprints[h] = await caFingerprint(h);

  await timed('certificates near expiry', () => rig.lab.host('cp1').expireCertificatesIn(10));
  expiringBefore = (parseCheckExpiration(await rig.ok('cp1', 'kubeadm certs check-expiration'))?.certificates ?? []).map((c) => Date.parse(c.expires));
  renewed = await timed('certs renew', () => runCerts({ cluster, action: 'renew', within: '30d', by: 'e2e@lab', stdout: new PassThrough(), ...rig.flags }));
  historyChecks = await histories();
  process.stdout.write(`manual-certs lab: ${Object.entries(times).map(([k, v]) => `${k} ${v} ms`).join(', ')}\n`);
}, 900_000);

afterAll(async () => {
  await rig?.dispose();
});

it('kubeha up brings up 3 control planes + 1 worker with the certificates copied: 3 started etcd members, 4 Ready nodes', async () => {
  expect(errors['bring-up']).toBeUndefined();
  expect(membersAfterUp).toEqual(CONTROL_PLANES);
  expect(await readyNodes(rig, 'cp1')).toEqual([...CONTROL_PLANES, 'w1']);
});

it('never made a kubeadm-certs Secret: kubeadm init ran without --upload-certs', () => {
  expect(errors['bring-up']).toBeUndefined();
  expect(initLog).toContain('[upload-certs] Skipping phase. Please see --upload-certs');
  expect(initLog).not.toContain('[upload-certs] Storing the certificates');
  expect(initLog).toContain('by copying certificate authorities\nand service account keys on each node');
  expect(secretsAfterUp).not.toContain('kubeadm-certs');
});

it("every control plane holds cp1's CA, service-account key, front-proxy CA and etcd CA, keys 0600", () => {
  expect(errors['bring-up']).toBeUndefined();
  expect(digestsAfterUp.cp1?.split('\n').filter(Boolean)).toHaveLength(SHARED.length);
  expect(digestsAfterUp.cp2).toBe(digestsAfterUp.cp1);
  expect(digestsAfterUp.cp3).toBe(digestsAfterUp.cp1);
  expect(modesOnCp2.trim().split('\n')).toEqual(SHARED.map((f) => `${f.endsWith('.crt') ? '644' : '600'} ${f}`));
});

it("the lab's kubeadm refuses a control-plane join without a certificate key where the shared certificates are missing, as kubeadm does", () => {
  expect(errors['keyless join']).toBeUndefined();
  expect(keylessJoin.code).toBe(1);
  expect(keylessJoin.output).toContain('error execution phase preflight: \nOne or more conditions for hosting a new control plane instance is not satisfied.');
  expect(keylessJoin.output).toContain('failure loading certificate for CA: couldn\'t load the certificate file /etc/kubernetes/pki/ca.crt: open /etc/kubernetes/pki/ca.crt: no such file or directory');
  expect(keylessJoin.output).toContain('* The certificates that must be shared among control plane instances are provided.');
});

it("refuses to overwrite another cluster's CA on a joining host, naming host and file, and writes nothing", () => {
  expect(errors['foreign CA']).toBeUndefined();
  expect(foreignRefusal).toBeInstanceOf(ApplicationFailure);
  const failure = foreignRefusal as ApplicationFailure;
  expect([failure.type, failure.nonRetryable]).toEqual(['SharedCertificatesDiffer', true]);
  expect(failure.message).toMatch(/^cp2: \/etc\/kubernetes\/pki\/ca\.crt already exists with content other than cp1's/);
  // Only the foreign ca.crt: no key copied beside it, no temporary directory left in /etc/kubeha.
  expect(foreignLeft.split('\n').filter(Boolean)).toEqual(['/etc/kubeha:', '/etc/kubernetes/pki:', 'ca.crt']);
});

it('kubeha rejoin brings the wiped cp2 back with certificates copied from a healthy control plane: 3 started members, the stale one gone, the same CA', () => {
  expect(errors['rejoin cp2']).toBeUndefined();
  expect(rejoinSteps).toContainEqual(['copy-certificates', 'succeeded']);
  expect(rejoinSteps.map(([id]) => id)).toEqual(['check-cluster', 'drain-node', 'remove-node', 'reset-host', 'preflight-host', 'copy-certificates', 'join-node', 'verify-rejoin']);
  const stale = membersBeforeRejoin.find((m) => m.name === 'cp2');
  expect(stale).toBeDefined();
  expect(startedMemberNames(membersAfterRejoin)).toEqual(CONTROL_PLANES);
  expect(membersAfterRejoin.map((m) => m.ID)).not.toContain(stale?.ID);
  expect(fingerprints.cp1).toMatch(/^sha256 Fingerprint=/i);
  expect(fingerprints.cp2).toBe(fingerprints.cp1);
  expect(fingerprints.cp3).toBe(fingerprints.cp1);
});

it("kubeha certs renew renews cp1's near-expiry certificates: check-expiration shows new dates", async () => {
  expect(errors['certs renew']).toBeUndefined();
  expect(Math.min(...expiringBefore) - Date.now()).toBeLessThan(11 * DAY);
  expect(renewed?.renewed).toEqual(['cp1']);
  const after = parseCheckExpiration(await rig.ok('cp1', 'kubeadm certs check-expiration'))?.certificates ?? [];
  expect(after.length).toBeGreaterThan(0);
  for (const c of after) expect([c.name, Date.parse(c.expires) - Date.now() > 360 * DAY]).toEqual([c.name, true]);
});

it("no history (cluster, bring-up, joins, rejoin, certificates) holds cp1's CA key, raw or decoded through the codec", () => {
  expect(caKeyBody.length).toBeGreaterThan(500);
  const lines = caKeyBody.match(/.{1,64}/g) ?? [];
  expect(historyChecks.length).toBeGreaterThanOrEqual(6);
  for (const { id, raw, decoded } of historyChecks) {
    const flat = `${raw}\n${decoded}`.replace(/\\n|\s/g, '');
    expect({ id, leaked: flat.includes(caKeyBody) || lines.slice(1, -1).some((l) => flat.includes(l)) }).toEqual({ id, leaked: false });
    expect({ id, pem: /-----BEGIN|LS0tLS1CRUdJTi/.test(raw) }).toEqual({ id, pem: false });
  }
});

it('the bring-up copied instead of uploading: its patch marker and two copies, no upload, no certificate-key timer, joins without a key', () => {
  const bringUp = historyChecks.find((h) => h.id === rig.workflowId);
  expect(bringUp).toBeDefined();
  expect(bringUp?.raw).toContain('manual-certificate-distribution');
  expect(bringUp?.raw.match(/copySharedCertificates/g)?.length).toBe(2);
  expect(bringUp?.raw).not.toContain('uploadCerts');
  expect(bringUp?.decoded).not.toContain('renew certificate key');
  for (const h of ['cp2', 'cp3']) {
    const join = historyChecks.find((c) => c.id === `${rig.workflowId}-join-${h}`);
    expect(join?.decoded).toContain('"certificatesFrom":{"name":"cp1"');
    expect(join?.decoded).not.toContain('"certificateKey":{"key"');
  }
});
