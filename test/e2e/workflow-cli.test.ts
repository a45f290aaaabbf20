import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { workflowBundleOptions } from '../../src/worker/bundle-options';
import { FailureTypes } from '../../src/activities/types';
import { kubehaDataConverter, loadCodec } from '../../src/codec';
import { runApprove, runReject } from '../../src/client/commands/approval';
import { runCancel } from '../../src/client/commands/cancel';
import { runStatus } from '../../src/client/commands/status';
import { runUp } from '../../src/client/commands/up';
import { InputError, OperationError } from '../../src/client/errors';
import { loadSpecFile } from '../../src/spec/load';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { testEnv, testTemporalAddress, uniqueTaskQueue } from '../helpers/temporal';
import { createFakeCluster, type FakeOptions } from './workflow-fakes';
import { historyText } from '../helpers/history-text';

jest.setTimeout(120_000);

process.env.KUBEHA_CODEC_KEY = randomBytes(32).toString('base64');

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const dir = mkdtempSync(path.join(tmpdir(), 'kubeha-cli-'));
let counter = 0;
let lastFake: ReturnType<typeof createFakeCluster> | undefined;

beforeAll(async () => {
  env = await testEnv();
  bundle = await bundleWorkflowCode(workflowBundleOptions(require.resolve('../../src/workflows')));
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

function specFile(approvals: string[]): { file: string; name: string } {
  const name = `cli-${process.pid}-${++counter}`;
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata:
  name: ${name}
spec:
  kubernetesVersion: v1.30.2
  controlPlaneEndpoint: 127.0.6.10:6443
  loadBalancer: { type: kube-vip, vip: 127.0.6.10, interface: lo }
  etcd: { topology: stacked }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12, cni: calico }
  approvals: [${approvals.join(', ')}]
  ssh: { user: root, privateKey: /root/.ssh/id_ed25519, knownHosts: /root/.ssh/known_hosts }
  hosts:
    - { name: cp1, address: 127.0.6.11, role: control-plane }
    - { name: cp2, address: 127.0.6.12, role: control-plane }
    - { name: cp3, address: 127.0.6.13, role: control-plane }
    - { name: w1, address: 127.0.6.21, role: worker }
`,
  );
  return { file, name };
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

async function withWorker<T>(file: string, fakeOptions: FakeOptions, fn: (flags: { address: string; taskQueue: string }) => Promise<T>): Promise<T> {
  const { spec } = await loadSpecFile(file);
  const fake = createFakeCluster(spec, fakeOptions);
  const taskQueue = uniqueTaskQueue('cli');
  const worker: Worker = await createKubehaWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: fake.activities,
    workflowBundle: bundle,
    dataConverter: kubehaDataConverter(loadCodec().codec),

    shutdownGraceTimeMs: 1_000,
  });
  const result = await worker.runUntil(fn({ address: testTemporalAddress(), taskQueue }));
  lastFake = fake;
  return result;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('exits 2 on a bad spec before any workflow starts', async () => {
  const file = path.join(dir, 'bad.yaml');
  writeFileSync(file, 'apiVersion: kubeha.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: bad-one\nspec:\n  kubernetesVersion: v1.30.2\n');
  const err = await runUp({ file, address: '127.0.0.1:1' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).exitCode).toBe(2);
  await expect(env.client.workflow.getHandle('kubeha-bringup-bad-one').describe()).rejects.toThrow();
});

it('up --follow prints the approval command, approve lets it finish, status --json shows hosts and etcd members', async () => {
  const { file, name } = specFile(['before-init']);
  const out = capture();
  await withWorker(file, {}, async (flags) => {
    const up = runUp({ file, follow: true, by: 'carol@desk', stdout: out.stream, stderr: new PassThrough(), ...flags });
    await until(() => out.text().includes(`kubeha approve ${name} before-init`), 'the approval command');
    const approveOut = capture();
    await runApprove({ cluster: name, gate: 'before-init', by: 'dave@ops', comment: 'go', stdout: approveOut.stream, ...flags });
    expect(approveOut.text()).toContain(`gate before-init of ${name} approved by dave@ops`);
    await up;
    expect(out.text()).toContain(`gate before-init approved by dave@ops (go)`);
    expect(out.text()).toMatch(/Join 2 control planes in parallel, each with its kube-vip static pod: succeeded/);
    expect(out.text().indexOf('approved by dave@ops')).toBeLessThan(out.text().indexOf('kubeadm init on cp1 (uploads certificates, mints a join token; then kube-vip moves from super-admin.conf to admin.conf): succeeded'));
    expect(out.text()).toMatch(/cp2: join-control-planes succeeded/);
    expect(out.text()).toContain(`cluster ${name} is up: 4/4 hosts, 3 etcd members`);

    const json = capture();
    await runStatus({ cluster: name, json: true, stdout: json.stream, ...flags });
    const status = JSON.parse(json.text()) as { phase: string; workflowStatus: string; hosts: { name: string; role: string; state: string }[]; etcdMembers: unknown[] };
    expect(status.phase).toBe('done');
    expect(status.workflowStatus).toBe('COMPLETED');
    expect(status.hosts).toEqual([
      { name: 'cp1', role: 'control-plane', state: 'succeeded' },
      { name: 'cp2', role: 'control-plane', state: 'succeeded' },
      { name: 'cp3', role: 'control-plane', state: 'succeeded' },
      { name: 'w1', role: 'worker', state: 'succeeded' },
    ]);
    expect(status.etcdMembers).toHaveLength(3);
    // The cluster workflow's side: nothing running or queued once the bring-up is recorded.
    const text = capture();
    await runStatus({ cluster: name, stdout: text.stream, ...flags });
    expect(text.text()).toMatch(new RegExp(`operations \\(kubeha ops ${name}\\):\\n  running: (nothing|op-1 )`));

    const table = capture();
    await runStatus({ cluster: name, stdout: table.stream, ...flags });
    expect(table.text()).toMatch(/^cp2\s+control-plane\s+succeeded/m);
    expect(table.text()).toMatch(/ETCD MEMBER/);

    // --watch on a pipe: each new state once, stamped; it returns once nothing runs or is queued.
    const watched = capture();
    await runStatus({ cluster: name, watchMs: 100, stdout: watched.stream, ...flags });
    const blocks = watched.text().split(/^--- \d{4}-\d\d-\d\dT\S+Z$/m).slice(1);
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    expect(blocks.at(-1)).toMatch(/running: nothing\n$/);
  });
});

it('up --follow exits 1 naming the failed step, host and error', async () => {
  const { file, name } = specFile([]);
  await withWorker(file, { brokenJoins: ['cp2'], brokenJoinType: FailureTypes.hostKeyMismatch }, async (flags) => {
    const out = capture();
    const err = await runUp({ file, stdout: out.stream, stderr: new PassThrough(), ...flags }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(new RegExp(`bring-up of ${name} failed: join-control-planes on cp2: .*API Server on cp2`));
    expect(out.text()).toMatch(/FAILED at join-control-planes on cp2/);
  });
});

it('reject ends the bring-up and up exits 1 saying who rejected and why; a second reject is refused', async () => {
  const { file, name } = specFile(['before-init']);
  await withWorker(file, {}, async (flags) => {
    const out = capture();
    const up = runUp({ file, stdout: out.stream, stderr: new PassThrough(), ...flags }).catch((e: unknown) => e);
    await until(() => out.text().includes(`kubeha reject ${name} before-init`), 'the reject command');
    await runReject({ cluster: name, gate: 'before-init', by: 'erin@ops', reason: 'wrong VIP', stdout: new PassThrough(), ...flags });
    const err = await up;
    expect(err).toBeInstanceOf(OperationError);
    expect((err as Error).message).toBe(`bring-up rejected at gate before-init by erin@ops: wrong VIP`);
    await expect(runReject({ cluster: name, gate: 'before-init', by: 'x', reason: 'y', ...flags })).rejects.toThrow();
  });
});

it('cancel stops a running bring-up; cancelling it again says it is not running', async () => {
  const { file, name } = specFile(['before-init']);
  await withWorker(file, {}, async (flags) => {
    const out = capture();
    await runUp({ file, detach: true, stdout: out.stream, stderr: new PassThrough(), ...flags });
    expect(out.text()).toContain(`kubeha status ${name}`);
    await runCancel({ cluster: name, stdout: new PassThrough(), ...flags });
    const handle = env.client.workflow.getHandle(`kubeha-bringup-${name}`);
    let status = '';
    await until(() => {
      void handle.describe().then((d) => (status = d.status.name));
      return status === 'CANCELLED';
    }, 'the workflow to be cancelled');
    await expect(runCancel({ cluster: name, ...flags })).rejects.toThrow(`the bring-up of ${name} is not running (it is cancelled)`);
    const json = capture();
    await runStatus({ cluster: name, json: true, stdout: json.stream, ...flags });
    expect(JSON.parse(json.text())).toMatchObject({ phase: 'cancelled', workflowStatus: 'CANCELLED', pendingApprovals: [] });
  });
});

it('keeps join tokens and certificate keys out of the history in plaintext (codec on client and worker)', async () => {
  const { file, name } = specFile([]);
  await withWorker(file, { initialKeyExpired: true }, async (flags) => {
    await runUp({ file, stdout: new PassThrough(), stderr: new PassThrough(), ...flags });
  });
  const minted = lastFake?.keysMinted ?? [];
  // init's key, then re-uploaded with the same key after it expired: it went through the history twice.
  expect(minted.length).toBeGreaterThanOrEqual(1);
  expect(lastFake?.named('uploadCerts').length).toBeGreaterThanOrEqual(1);
  expect(lastFake?.tokensMinted.length).toBeGreaterThanOrEqual(1);
  const histories = [`kubeha-bringup-${name}`, `kubeha-bringup-${name}-join-cp2`, `kubeha-bringup-${name}-join-w1`];
  for (const id of histories) {
    const text = historyText(await env.client.workflow.getHandle(id).fetchHistory());
    expect(text.includes(`"${name}"`)).toBe(true);
    for (const key of minted) expect({ id, leaked: text.includes(key) }).toEqual({ id, leaked: false });
    for (const token of lastFake?.tokensMinted ?? []) expect({ id, leaked: text.includes(token) }).toEqual({ id, leaked: false });
  }
});

it('up --follow says when no worker polls the task queue, and carries on once one does', async () => {
  const { file, name } = specFile([]);
  const taskQueue = uniqueTaskQueue('cli-late');
  const out = capture();
  const up = runUp({ file, stdout: out.stream, stderr: new PassThrough(), address: testTemporalAddress(), taskQueue });
  await until(() => out.text().includes(`no kubeha worker is polling task queue ${taskQueue}`), 'the missing-worker notice');
  const { spec } = await loadSpecFile(file);
  const worker = await createKubehaWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createFakeCluster(spec).activities,
    workflowBundle: bundle,
    dataConverter: kubehaDataConverter(loadCodec().codec),

    shutdownGraceTimeMs: 1_000,
  });
  await worker.runUntil(up);
  expect(out.text()).toContain(`cluster ${name} is up`);
});
