/**
 * Issue 11's certificates on the lab, as a user does it: a 3-control-plane cluster (no workers)
 * brought up with `kubeha up`; cp1's kubeadm certificates re-issued to expire in 10 days (the lab
 * fault `certs-near-expiry`, its API server restarted to serve one); `kubeha certs check` reports
 * it, `kubeha certs renew` renews cp1 only. The evidence is the lab's own `kubeadm certs
 * check-expiration` on cp1, the certificate cp1's API server serves (openssl from cp2) and the
 * record. Then `kubeha certs schedule`: the Schedule exists on the dev server and one trigger
 * leads to a certificates check in the cluster's history, asked for by the Schedule.
 */
import { PassThrough } from 'node:stream';
import { Client } from '@temporalio/client';
import { parseCheckExpiration } from '../../src/certificates/expiration';
import { kubehaDataConverter, loadCodec } from '../../src/codec';
import { runCerts, runCertsSchedule } from '../../src/client/commands/certs';
import { runUp } from '../../src/client/commands/up';
import { certificatesScheduleId, type CertificatesResult, type ClusterRecord } from '../../src/shared/operations';
import { eventually, startRig, type Rig } from '../helpers/bringup';
import { text } from '../helpers/capture';

jest.setTimeout(600_000);

const DAY = 86_400_000;
let rig: Rig;
let cluster: string;
let checked: CertificatesResult | undefined;
let renewed: CertificatesResult | undefined;
let afterCheck: ClusterRecord | undefined;
let afterRenew: ClusterRecord | undefined;
let servedBefore = '';
let renewOutput = '';
const errors: unknown[] = [];


const address = (host: string): string => rig.lab.config.hosts.find((h) => h.name === host)?.address ?? '';

/** notAfter of the certificate cp1's API server serves, read with openssl from cp2. */
async function servedNotAfter(host: string): Promise<number> {
  const out = await rig.ok('cp2', `openssl s_client -connect ${address(host)}:6443 </dev/null 2>/dev/null | openssl x509 -noout -enddate`);
  return Date.parse(out.trim().replace(/^notAfter=/, ''));
}

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.68', name: 'certs', controlPlanes: 3, workers: 0, loadBalancer: 'external' });
  await rig.startWorker();
  cluster = rig.spec.name;
  const t0 = Date.now();
  const upError = await runUp({ file: rig.specFile(), follow: true, by: 'e2e@lab', stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((err: unknown) => err ?? 'failed');
  if (upError) throw new Error(`bring-up failed: ${String(upError)}`);
  const t1 = Date.now();
  try {
    await rig.lab.host('cp1').expireCertificatesIn(10);
    servedBefore = new Date(await servedNotAfter('cp1')).toISOString();
    checked = await runCerts({ cluster, action: 'check', by: 'e2e@lab', stdout: new PassThrough(), ...rig.flags });
    afterCheck = await rig.opened.kubeha.record(cluster);
    const out = text();
    renewed = await runCerts({ cluster, action: 'renew', within: '30d', by: 'alice@ops', stdout: out.stream, ...rig.flags });
    renewOutput = out.read();
    afterRenew = await rig.opened.kubeha.record(cluster);
  } catch (err) {
    errors.push(err);
    process.stdout.write(`certificates failed: ${String(err)}\n${renewOutput}\n`);
  }
  process.stdout.write(`certificates lab: bring-up ${t1 - t0} ms, fault + check + renew ${Date.now() - t1} ms\n`);
}, 600_000);

afterAll(async () => {
  await rig?.dispose();
});

it('the check reports cp1 near expiry (its API server served the short-lived certificate) and the record follows', () => {
  expect(errors).toEqual([]);
  expect(Date.parse(servedBefore) - Date.now()).toBeLessThan(11 * DAY);
  const cp1 = checked?.hosts.find((h) => h.host === 'cp1');
  expect(cp1?.certificates.find((c) => c.name === 'apiserver')?.residual).toMatch(/^(9|10)d$/);
  expect(checked?.hosts.find((h) => h.host === 'cp2')?.certificates.every((c) => Date.parse(c.expires) - Date.now() > 300 * DAY)).toBe(true);
  expect(Date.parse(afterCheck?.certificatesExpireAt ?? '') - Date.now()).toBeLessThan(11 * DAY);
  expect(cp1?.kubeletRotateCertificates).toBe(true);
  expect(Date.parse(cp1?.kubeletClientExpires ?? '') - Date.now()).toBeGreaterThan(300 * DAY);
});

it('kubeha certs renew renews cp1 only, and prints the table', () => {
  expect(errors).toEqual([]);
  expect(renewed?.renewed).toEqual(['cp1']);
  expect(renewOutput).toContain('succeeded');
  expect(renewOutput).toMatch(/cp1\s+apiserver\s+\S+\s+36\dd\s+ca\s+yes/);
  expect(renewOutput).toMatch(/cp2\s+apiserver\s+\S+\s+36\dd\s+ca\s+no/);
});

it("cp1's kubeadm certs check-expiration shows new dates for every certificate", async () => {
  expect(errors).toEqual([]);
  const tables = parseCheckExpiration(await rig.ok('cp1', 'kubeadm certs check-expiration'));
  expect(tables?.certificates.map((c) => c.name)).toEqual(expect.arrayContaining(['admin.conf', 'apiserver', 'etcd-server', 'front-proxy-client', 'scheduler.conf']));
  for (const c of tables?.certificates ?? []) expect([c.name, Date.parse(c.expires) - Date.now() > 360 * DAY]).toEqual([c.name, true]);
});

it("cp1's API server serves the renewed certificate (the one in apiserver.crt)", async () => {
  expect(errors).toEqual([]);
  const served = await servedNotAfter('cp1');
  expect(served - Date.now()).toBeGreaterThan(360 * DAY);
  const onDisk = Date.parse((await rig.ok('cp1', 'openssl x509 -noout -enddate -in /etc/kubernetes/pki/apiserver.crt')).trim().replace(/^notAfter=/, ''));
  expect(served).toBe(onDisk);
});

it("the record's certificatesExpireAt moved past the threshold", () => {
  expect(errors).toEqual([]);
  expect(Date.parse(afterRenew?.certificatesExpireAt ?? '') - Date.now()).toBeGreaterThan(360 * DAY);
  const ops = afterRenew?.history.filter((op) => op.kind === 'certificates').map((op) => [op.summary, op.outcome, op.requestedBy]);
  expect(ops).toEqual([
    ['certificates check (renew within 30 days)', 'succeeded', 'e2e@lab'],
    ['certificates renew (renew within 30 days)', 'succeeded', 'alice@ops'],
  ]);
});

it('kubeha certs schedule creates (then updates) the Schedule on the server; a trigger asks the cluster for a check', async () => {
  const id = certificatesScheduleId(cluster);
  await runCertsSchedule({ cluster, every: '1d', stdout: new PassThrough(), ...rig.flags });
  const out = text();
  await runCertsSchedule({ cluster, every: '7d', stdout: out.stream, ...rig.flags });
  expect(out.read()).toMatch(new RegExp(`^schedule ${id}: a certificates check of ${cluster} every 7d, next at `));
  const client = new Client({ connection: rig.env.connection, dataConverter: kubehaDataConverter(loadCodec().codec) });
  const handle = client.schedule.getHandle(id);
  const description = await handle.describe();
  expect(description.spec.intervals?.[0]?.every).toBe(7 * DAY);
  expect(description.action.type).toBe('startWorkflow');
  const before = (await rig.opened.kubeha.record(cluster)).history.length;
  await handle.trigger();
  const op = await eventually(async () => {
    const record = await rig.opened.kubeha.record(cluster);
    return record.history.slice(before).find((o) => o.kind === 'certificates' && o.requestedBy === `schedule:${id}`);
  }, 'the scheduled check in the history', 120_000);
  expect([op.summary, op.outcome]).toEqual(['certificates check (renew within 30 days)', 'succeeded']);
  await runCertsSchedule({ cluster, delete: true, stdout: new PassThrough(), ...rig.flags });
  expect(await rig.opened.kubeha.describeCertificateSchedule(cluster)).toBeUndefined();
});
