import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadSpecFile, parseSpec } from '../../../src/spec/load';
import type { ClusterSpec } from '../../../src/spec/types';
import { planSteps } from '../../../src/plan/steps';
import { formatPlan } from '../../../src/plan/format';
import { MANUAL_CERTIFICATES_PATCH, planBringUp, SKIP_GATE_WITHOUT_WORKERS_PATCH } from '../../../src/workflows/bring-up/plan';

const ROOT = path.join(__dirname, '../../..');
const EXAMPLES = readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));
const load = async (name: string) => (await loadSpecFile(path.join(ROOT, 'examples', `${name}.yaml`), { homeDir: '/h' })).spec;
const parse = (text: string) => parseSpec(text, 'c.yaml', { baseDir: '/', homeDir: '/h' }).spec;

/** 3 control planes, no workers, and a before-workers gate that has nothing to hold. */
const THREE_CPS_NO_WORKERS = `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata: { name: cps-only }
spec:
  kubernetesVersion: v1.30.2
  controlPlaneEndpoint: 10.0.0.100:6443
  loadBalancer: { type: kube-vip, vip: 10.0.0.100, interface: eth0 }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
  approvals: [before-workers]
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
    - { name: cp2, address: 10.0.0.2, role: control-plane }
    - { name: cp3, address: 10.0.0.3, role: control-plane }
`;

/** What the workflow declares as its progress steps before any starts: ids and hosts, in order. */
function declaredByWorkflow(spec: ClusterSpec): [string, string[]][] {
  return planBringUp(spec, () => true).map(({ description: d }) => [d.id, d.hosts.map((h) => h.name)]);
}

describe('planSteps and the workflow read one declaration', () => {
  it.each(EXAMPLES)('examples/%s.yaml: plan steps and hosts equal what the workflow declares', async (name) => {
    const spec = await load(name);
    expect(planSteps(spec).map((s) => [s.id, s.hosts])).toEqual(declaredByWorkflow(spec));
  });

  it('3 control planes + 0 workers with approvals [before-workers]: the gate is in neither', () => {
    const spec = parse(THREE_CPS_NO_WORKERS);
    const planned = planSteps(spec);
    expect(planned.map((s) => [s.id, s.hosts])).toEqual(declaredByWorkflow(spec));
    expect(planned.map((s) => s.id)).toEqual(['preflight', 'load-balancer', 'probe-load-balancer', 'init', 'cni', 'join-control-planes', 'verify-etcd', 'verify-cluster']);
  });

  it('keeps the gate only when replaying a bring-up started before it was dropped', () => {
    const spec = parse(THREE_CPS_NO_WORKERS);
    const asked: string[] = [];
    const replayed = planBringUp(spec, (id) => (asked.push(id), false)).map((p) => p.description.id);
    expect(asked).toEqual([SKIP_GATE_WITHOUT_WORKERS_PATCH]);
    expect(replayed).toEqual(['preflight', 'load-balancer', 'probe-load-balancer', 'init', 'cni', 'join-control-planes', 'verify-etcd', 'approve-before-workers', 'verify-cluster']);
    const withWorkers = parse(THREE_CPS_NO_WORKERS.replace('approvals: [before-workers]', 'approvals: [before-init]'));
    planBringUp(withWorkers, (id) => (asked.push(id), false));
    expect(asked).toHaveLength(1);
  });
});

describe('planSteps', () => {
  it('mirrors the kube-vip runbook for the issue example', async () => {
    const steps = planSteps(await load('ha-3-masters'));
    expect(steps.map((s) => [s.id, s.hosts.join(','), s.mode.kind, s.gate ?? ''])).toEqual([
      ['preflight', 'k8s01,k8s02,k8s03,w1', 'parallel', ''],
      ['load-balancer', 'k8s01', 'serial', ''],
      ['probe-load-balancer', 'k8s01', 'serial', ''],
      ['approve-before-init', '', 'serial', 'before-init'],
      ['init', 'k8s01', 'serial', ''],
      ['cni', 'k8s01', 'serial', ''],
      ['join-control-planes', 'k8s02,k8s03', 'parallel', ''],
      ['verify-etcd', 'k8s01', 'serial', ''],
      ['approve-before-workers', '', 'serial', 'before-workers'],
      ['join-workers', 'w1', 'serial', ''],
      ['verify-cluster', 'k8s01', 'serial', ''],
    ]);
  });

  it('configures every LB host, joins control planes serially and caps worker joins', async () => {
    const steps = planSteps(await load('haproxy'));
    const byId = Object.fromEntries(steps.map((s) => [s.id, s]));
    expect(byId['load-balancer']?.hosts).toEqual(['lb1', 'lb2']);
    expect(byId['join-control-planes']?.mode).toEqual({ kind: 'serial' });
    expect(byId['join-workers']?.mode).toEqual({ kind: 'parallel', limit: 2 });
    expect(byId['approve-before-init']).toBeUndefined();
    expect(byId['approve-before-workers']).toMatchObject({ gate: 'before-workers', hosts: [] });
  });

  it('shows a gate timeout from the spec', () => {
    const spec = parse(THREE_CPS_NO_WORKERS.replace('approvals: [before-workers]', 'approvals: [{ gate: before-init, timeout: 4h }]'));
    const gate = planSteps(spec).find((s) => s.id === 'approve-before-init');
    expect(gate).toEqual({ id: 'approve-before-init', title: 'Wait for approval: before-init', hosts: [], mode: { kind: 'serial' }, gate: 'before-init', gateTimeoutMs: 4 * 3_600_000 });
    expect(formatPlan([gate!], { cluster: 'cps-only' })).toBe(
      ' 1. Wait for approval: before-init  [approval gate, times out after 4h]\n      approve with: kubeha approve cps-only before-init\n',
    );
  });

  it('forces serial control-plane joins with external etcd and has no LB step for an external LB', async () => {
    const steps = planSteps(await load('external-etcd'));
    expect(steps.find((s) => s.id === 'load-balancer')).toBeUndefined();
    expect(steps.find((s) => s.id === 'join-control-planes')?.mode).toEqual({ kind: 'serial' });
  });

  it('is deterministic and limits parallel worker joins to maxConcurrentJoins', () => {
    const hosts = Array.from({ length: 30 }, (_, i) => `    - { name: w${i}, address: 10.0.1.${i + 1}, role: worker }`).join('\n');
    const text = `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata: { name: big }
spec:
  kubernetesVersion: v1.33.1
  workers: { maxConcurrentJoins: 4 }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
  hosts:
    - { name: cp, address: 10.0.0.1, role: control-plane }
${hosts}
`;
    const { spec } = parseSpec(text, 'big.yaml', { baseDir: '/', homeDir: '/h' });
    const a = planSteps(spec);
    expect(planSteps(spec)).toEqual(a);
    expect(a.find((s) => s.id === 'join-workers')).toMatchObject({ mode: { kind: 'parallel', limit: 4 } });
    expect(a.find((s) => s.id === 'join-control-planes')).toBeUndefined();
    expect(formatPlan(a, { maxHostsShown: 5 })).toContain('hosts: w0, w1, w2, w3, w4 … and 25 more');
  });
});

describe('manual certificate distribution in the plan', () => {
  const manual = () => parse(THREE_CPS_NO_WORKERS.replace('approvals: [before-workers]', 'certificateDistribution: manual'));

  it('declares the copy to each joining control plane before their joins, and init without an upload', () => {
    const spec = manual();
    const planned = planSteps(spec);
    expect(planned.map((s) => [s.id, s.hosts])).toEqual(declaredByWorkflow(spec));
    expect(planned.map((s) => s.id)).toEqual(['preflight', 'load-balancer', 'probe-load-balancer', 'init', 'cni', 'distribute-certificates', 'join-control-planes', 'verify-etcd', 'verify-cluster']);
    const byId = Object.fromEntries(planned.map((s) => [s.id, s]));
    expect(byId['distribute-certificates']).toMatchObject({ hosts: ['cp2', 'cp3'], mode: { kind: 'parallel' } });
    expect(byId['distribute-certificates']?.title).toBe('Copy the shared certificates (cluster CA, service-account key, front-proxy CA, the etcd CA) from cp1 over SSH');
    expect(byId.init?.title).toContain('no --upload-certs');
    expect(byId['join-control-planes']?.title).toContain('with the copied certificates (no certificate key)');
  });

  it('asks for its patch only for manual specs; a run without the marker would not copy', () => {
    const asked: string[] = [];
    planBringUp(parse(THREE_CPS_NO_WORKERS.replace('approvals: [before-workers]', 'approvals: [before-init]')), (id) => (asked.push(id), true));
    expect(asked).toEqual([]);
    const withoutMarker = planBringUp(manual(), (id) => (asked.push(id), false)).map((p) => p.description.id);
    expect(asked).toEqual([MANUAL_CERTIFICATES_PATCH]);
    expect(withoutMarker).not.toContain('distribute-certificates');
  });
});
