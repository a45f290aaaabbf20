import path from 'node:path';
import { loadSpecFile, parseSpec } from '../../../src/spec/load';
import { planSteps } from '../../../src/plan/steps';
import { formatPlan } from '../../../src/plan/format';

const ROOT = path.join(__dirname, '../../..');
const load = async (name: string) => (await loadSpecFile(path.join(ROOT, 'examples', `${name}.yaml`), { homeDir: '/h' })).spec;

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
