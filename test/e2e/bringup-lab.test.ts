/**
 * Issue 4's Done-when on the lab: `kubeha up --follow` (runUp) with the real activities over real
 * SSH brings up 3 control planes + 3 workers behind HAProxy; the lab's real etcd and kubectl
 * are the evidence, the finished histories hold neither the token nor the certificate key in
 * plaintext, and a bad spec exits 2 before any workflow starts.
 */
import { PassThrough } from 'node:stream';
import { runUp } from '../../src/client/commands/up';
import { InputError } from '../../src/client/errors';
import { decodedHistoryText, etcdMembers, historyText, readyNodes, startRig, startedMemberNames, type Rig } from '../helpers/bringup';

jest.setTimeout(300_000);

const HOSTS = ['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3'];
let rig: Rig;
let upError: unknown;
let printed = '';

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.41', name: 'bu-haproxy', controlPlanes: 3, workers: 3, loadBalancer: 'haproxy' });
  await rig.startWorker();
  const out = new PassThrough();
  out.on('data', (c: Buffer) => (printed += c.toString()));
  const started = Date.now();
  upError = await runUp({ file: rig.specFile(), follow: true, by: 'e2e@lab', stdout: out, stderr: new PassThrough(), ...rig.flags }).catch((err: unknown) => err ?? 'failed');
  process.stdout.write(`haproxy 3+3 bring-up took ${Date.now() - started} ms\n`);
}, 300_000);

afterAll(async () => {
  await rig?.dispose();
});

it('kubeha up --follow brings up 3 control planes + 3 workers behind haproxy: 3 started etcd members, 6 Ready nodes', async () => {
  expect({ upError: upError === undefined ? undefined : String(upError), printed: upError === undefined ? '' : printed }).toEqual({ upError: undefined, printed: '' });
  expect(printed).toContain(`cluster ${rig.name} is up: 7/7 hosts, 3 etcd members`);
  expect(startedMemberNames(await etcdMembers(rig, 'cp1'))).toEqual(['cp1', 'cp2', 'cp3']);
  expect(await readyNodes(rig, 'cp1')).toEqual(HOSTS);
});

it('the finished histories (parent and every join child) hold neither a join token nor a certificate key in plaintext', async () => {
  expect(upError).toBeUndefined();
  const ids = [rig.workflowId, ...HOSTS.filter((h) => h !== 'cp1').map((h) => `${rig.workflowId}-join-${h}`)];
  const histories = [];
  let decodedAll = '';
  for (const id of ids) {
    const history = await rig.env.client.workflow.getHandle(id).fetchHistory();
    histories.push({ id, history });
    decodedAll += await decodedHistoryText(history);
  }
  // Decoded through the codec, the histories carry the tokens and the key the bring-up used: those must not show raw.
  const tokens = [...new Set([...decodedAll.matchAll(/"token":"([a-z0-9]{6}\.[a-z0-9]{16})"/g)].map((m) => m[1] ?? ''))];
  const keys = [...new Set([...decodedAll.matchAll(/"certificateKey":\{"key":"([0-9a-f]{64})"/g)].map((m) => m[1] ?? ''))];
  expect(tokens.length).toBeGreaterThan(0);
  expect(keys).toHaveLength(1);
  for (const { id, history } of histories) {
    const raw = historyText(history);
    expect(raw).toContain(id === rig.workflowId ? 'bringUpCluster' : 'joinHost');
    for (const secret of [...tokens, ...keys]) expect({ id, leaked: raw.includes(secret) }).toEqual({ id, leaked: false });
    // No PEM (private keys, certificates), plain or base64 as in kubeconfigs, anywhere: failures included.
    expect({ id, pem: /-----BEGIN|LS0tLS1CRUdJTi/.test(raw) }).toEqual({ id, pem: false });
  }
});

it('leaves no join credentials behind: no bootstrap token, no kubeadm-certs Secret, no kubeadm config on any host', async () => {
  expect(upError).toBeUndefined();
  expect((await rig.ok('cp1', 'kubeadm token list')).trim()).toBe('');
  expect(await rig.ok('cp1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get secret kubeadm-certs 2>&1 || true')).toContain('NotFound');
  for (const host of HOSTS) {
    expect({ host, files: (await rig.ok(host, 'ls /etc/kubeha | grep kubeadm- || true')).trim() }).toEqual({ host, files: '' });
    expect({ host, mode: (await rig.ok(host, 'stat -c %a /etc/kubeha /var/lib/kubeha/runs')).trim().split('\n') }).toEqual({ host, mode: ['700', '700'] });
  }
});

it('a bad spec exits 2 before any workflow starts', async () => {
  const name = `${rig.name}-bad`;
  const file = rig.specFile((doc) => {
    doc.metadata.name = name;
    doc.spec.kubernetesVersion = 'one-point-thirty';
  });
  const err = await runUp({ file, follow: true, stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).exitCode).toBe(2);
  expect((err as Error).message).toContain(file);
  await expect(rig.env.client.workflow.getHandle(`kubeha-bringup-${name}`).describe()).rejects.toThrow(/not found/i);
});
