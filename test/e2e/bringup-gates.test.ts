/**
 * Approval gates on the lab with the real activities: before-init holds the workflow (kubeadm
 * init has not run: no admin.conf on cp1) until approved; a reject ends it cleanly with cp1
 * untouched. Reject runs first so the same lab serves both.
 */
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { runApprove, runReject } from '../../src/client/commands/approval';
import { runUp } from '../../src/client/commands/up';
import { OperationError } from '../../src/client/errors';
import { labPaths } from '../../lab/layout';
import { ADMIN_CONF, eventually, readyNodes, startRig, type Rig } from '../helpers/bringup';

jest.setTimeout(300_000);

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.43', name: 'bu-gates', controlPlanes: 1, workers: 1, loadBalancer: 'external' });
  await rig.startWorker();
}, 180_000);

afterAll(async () => {
  await rig?.dispose();
});

const adminConf = () => existsSync(labPaths(rig.lab.dir).hostPrivate('cp1', ADMIN_CONF));

function gated(name: string): string {
  return rig.specFile((doc) => {
    doc.metadata.name = name;
    doc.spec.approvals = ['before-init', 'before-workers'];
  });
}

async function waitAtGate(name: string, gate: string): Promise<void> {
  await eventually(async () => ((await rig.opened.kubeha.progress(name)).pendingApprovals.some((p) => p.gate === gate) ? true : undefined), `gate ${gate} of ${name}`);
}

it('reject at before-init ends the bring-up cleanly: outcome rejected, cp1 untouched', async () => {
  const name = `${rig.name}-r`;
  const up = runUp({ file: gated(name), follow: true, stdout: new PassThrough(), stderr: new PassThrough(), ...rig.flags }).catch((e: unknown) => e);
  await waitAtGate(name, 'before-init');
  await new Promise((r) => setTimeout(r, 1_000));
  expect((await rig.opened.kubeha.progress(name)).phase).toBe('approve-before-init');
  expect(adminConf()).toBe(false);
  await runReject({ cluster: name, gate: 'before-init', by: 'erin@ops', reason: 'wrong VIP', stdout: new PassThrough(), ...rig.flags });
  const err = await up;
  expect(err).toBeInstanceOf(OperationError);
  expect((err as Error).message).toBe('bring-up rejected at gate before-init by erin@ops: wrong VIP');
  const result = await rig.opened.kubeha.result(name);
  expect(result).toEqual({ outcome: 'rejected', gate: 'before-init', by: 'erin@ops', reason: 'wrong VIP' });
  expect(adminConf()).toBe(false);
  expect(await rig.ok('cp1', 'ls -A /etc/kubernetes/manifests 2>/dev/null | wc -l')).toBe('0\n');
});

it('before-init and before-workers hold the workflow until approved, then the cluster comes up', async () => {
  const name = `${rig.name}-a`;
  let printed = '';
  const out = new PassThrough();
  out.on('data', (c: Buffer) => (printed += c.toString()));
  const up = runUp({ file: gated(name), follow: true, stdout: out, stderr: new PassThrough(), ...rig.flags }).catch((e: unknown) => e ?? 'failed');
  await waitAtGate(name, 'before-init');
  await new Promise((r) => setTimeout(r, 2_000));
  expect((await rig.opened.kubeha.progress(name)).phase).toBe('approve-before-init');
  expect(adminConf()).toBe(false);
  await runApprove({ cluster: name, gate: 'before-init', by: 'dave@ops', comment: 'go', stdout: new PassThrough(), ...rig.flags });
  await waitAtGate(name, 'before-workers');
  expect(adminConf()).toBe(true);
  expect(await readyNodes(rig, 'cp1')).toEqual(['cp1']);
  await runApprove({ cluster: name, gate: 'before-workers', by: 'dave@ops', stdout: new PassThrough(), ...rig.flags });
  expect(await up).toBeUndefined();
  expect(printed).toContain(`cluster ${name} is up`);
  expect(await readyNodes(rig, 'cp1')).toEqual(['cp1', 'w1']);
});
