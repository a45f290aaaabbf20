/**
 * `kubeha apply -f` on the lab: a cluster brought up with one of the lab's three workers grows by
 * the other two (and only those join), then shrinks by the first after approval at
 * before-remove-workers (drained, deleted, its host reset). Other spec changes are refused before
 * anything is queued.
 */
import { PassThrough } from 'node:stream';
import { runApply } from '../../src/client/commands/apply';
import { runApprove } from '../../src/client/commands/approval';
import { runUp } from '../../src/client/commands/up';
import { ADMIN_CONF, eventually, startRig, type Rig, type SpecDoc } from '../helpers/bringup';

jest.setTimeout(300_000);

let rig: Rig;

const onlyWorkers = (names: string[]) => (doc: SpecDoc) => {
  const hosts = doc.spec.hosts as Array<{ name: string; role?: string }>;
  doc.spec.hosts = hosts.filter((h) => !h.name.startsWith('w') || names.includes(h.name));
};

async function nodes(): Promise<string[]> {
  const list = JSON.parse(await rig.ok('cp1', `kubectl --kubeconfig ${ADMIN_CONF} get nodes -o json`)) as { items: Array<{ metadata: { name: string }; status: { conditions?: Array<{ type: string; status: string }> } }> };
  return list.items.map((n) => `${n.metadata.name}=${n.status.conditions?.find((c) => c.type === 'Ready')?.status ?? '?'}`).sort();
}

const joinRuns = (host: string) => rig.ok(host, 'ls /var/lib/kubeha/runs 2>/dev/null | grep -c "^kubeadm-join" || true').then((s) => Number(s.trim()));

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.72', name: 'apply', controlPlanes: 1, workers: 3 });
  await rig.startWorker();
  const upError = await runUp({ file: rig.specFile(onlyWorkers(['w1'])), follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((err: unknown) => err ?? 'failed');
  if (upError) throw new Error(`bring-up failed: ${String(upError)}`);
}, 300_000);
afterAll(async () => {
  await rig?.dispose();
});

it('refuses a spec that changes more than workers, naming the change, with nothing queued', async () => {
  const file = rig.specFile((doc) => {
    onlyWorkers(['w1', 'w2'])(doc);
    (doc.spec.networking as Record<string, unknown>).podSubnet = '10.250.0.0/16';
  });
  const err = await runApply({ file, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((e: unknown) => e);
  expect(String(err)).toMatch(/apply adds and removes workers only; the spec also changes networking/);
  const record = await rig.opened.kubeha.record(rig.spec.name);
  expect(record.queue).toEqual([]);
  expect(record.history.filter((op) => op.kind === 'apply')).toEqual([]);
});

it('with two more workers, joins exactly those two', async () => {
  const w1Runs = await joinRuns('w1');
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  await runApply({ file: rig.specFile(onlyWorkers(['w1', 'w2', 'w3'])), by: 'e2e@lab', stdout: out, stderr: new PassThrough(), ...rig.flags });
  expect(text).toMatch(/apply: add w2, w3/);
  expect(await nodes()).toEqual(['cp1=True', 'w1=True', 'w2=True', 'w3=True']);
  expect(await joinRuns('w1')).toBe(w1Runs);
  const record = await rig.opened.kubeha.record(rig.spec.name);
  expect(record.nodes.map((n) => n.name).sort()).toEqual(['cp1', 'w1', 'w2', 'w3']);
  expect(record.spec?.hosts.map((h) => h.name)).toContain('w3');
  // The token minted for the joins is gone again.
  expect((await rig.ok('cp1', `kubeadm token list --kubeconfig ${ADMIN_CONF}`)).trim().split('\n').filter((l) => /^[a-z0-9]{6}\./.test(l))).toEqual([]);
});

it('without w1, drains, deletes and resets it once approved at before-remove-workers', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const applying = runApply({ file: rig.specFile(onlyWorkers(['w2', 'w3'])), by: 'e2e@lab', stdout: out, stderr: new PassThrough(), ...rig.flags });
  await eventually(async () => (text.includes('waiting for approval at before-remove-workers') ? true : undefined), 'the before-remove-workers gate', 120_000);
  expect(await nodes()).toContain('w1=True');
  await runApprove({ cluster: rig.spec.name, gate: 'before-remove-workers', by: 'approver@lab', stdout: new PassThrough(), ...rig.flags });
  await applying;
  expect(await nodes()).toEqual(['cp1=True', 'w2=True', 'w3=True']);
  expect((await rig.ok('w1', 'ls /etc/kubernetes/kubelet.conf 2>&1 || true')).trim()).toMatch(/No such file/);
  const record = await rig.opened.kubeha.record(rig.spec.name);
  expect(record.nodes.map((n) => n.name).sort()).toEqual(['cp1', 'w2', 'w3']);
  expect(record.history.filter((op) => op.kind === 'apply').map((op) => op.outcome)).toEqual(['succeeded', 'succeeded']);
});
