import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseAllDocuments } from 'yaml';
import { InputError } from '../../../src/client/errors';
import { runPlan } from '../../../src/client/commands/plan';
import { runValidate } from '../../../src/client/commands/validate';
import { pinToday } from '../../helpers/today';

pinToday();

const EXAMPLE = path.join(__dirname, '../../../examples/ha-3-masters.yaml');

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-plan-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('kubeha validate', () => {
  it('says the example is valid with a summary', async () => {
    const out = capture();
    const err = capture();
    await runValidate({ file: EXAMPLE, stdout: out.stream, stderr: err.stream });
    expect(out.text()).toBe(`${EXAMPLE}: valid (3 control planes, 1 worker, kube-vip)\n`);
    expect(err.text()).toBe('');
  });

  it('prints the even-control-plane warning but passes', async () => {
    const file = path.join(dir, 'two.yaml');
    writeFileSync(file, readFileSync(EXAMPLE, 'utf8').replace(/ {4}- \{ name: k8s03.*\n/, ''));
    const out = capture();
    const err = capture();
    await runValidate({ file, stdout: out.stream, stderr: err.stream });
    expect(err.text()).toMatch(new RegExp(`^${file}:25:5: warning: spec.hosts: 2 control planes`));
    expect(out.text()).toContain('valid (2 control planes, 1 worker, kube-vip)');
  });

  it('throws an InputError with exit code 2 for a missing file', async () => {
    const promise = runValidate({ file: path.join(dir, 'nope.yaml') });
    await expect(promise).rejects.toBeInstanceOf(InputError);
    await expect(promise).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('kubeha plan', () => {
  it('prints the ordered steps and writes every rendered file per host', async () => {
    const out = capture();
    await runPlan({ file: EXAMPLE, out: dir, stdout: out.stream, stderr: capture().stream });
    const text = out.text();
    expect(text).toContain('Plan for cluster prod-a (3 control planes, 1 worker, kube-vip), Kubernetes v1.30.2, endpoint 192.168.0.100:6443:');
    expect(text).toMatch(/ 4\. Wait for approval: before-init {2}\[approval gate\]/);
    expect(text).toContain('Wrote 7 files under');
    expect(text).toContain('approve with: kubeha approve prod-a before-init');
    const init = parseAllDocuments(readFileSync(path.join(dir, 'k8s01/kubeadm-init.yaml'), 'utf8')).map((d) => d.toJS());
    expect(init[1].apiServer.certSANs).toEqual(expect.arrayContaining(['192.168.0.180', '192.168.0.41', '192.168.0.241', '192.168.0.100']));
    for (const host of ['k8s01', 'k8s02', 'k8s03']) expect(statSync(path.join(dir, host, 'kube-vip.yaml')).isFile()).toBe(true);
    expect(statSync(path.join(dir, 'w1/kubeadm-join.yaml')).isFile()).toBe(true);
  });

  it('emits JSON with the steps and file list', async () => {
    const out = capture();
    await runPlan({ file: EXAMPLE, json: true, stdout: out.stream, stderr: capture().stream });
    const plan = JSON.parse(out.text());
    expect(plan.cluster).toBe('prod-a');
    expect(plan.steps[0]).toEqual({ id: 'preflight', title: 'Preflight checks', hosts: ['k8s01', 'k8s02', 'k8s03', 'w1'], mode: { kind: 'parallel' } });
    expect(plan.files).toContain('k8s01/kubeadm-init.yaml');
  });
});
