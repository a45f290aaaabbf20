import type { ClusterReport, NodeStatus } from '../../../src/activities/types';
import { controlPlaneProblems, notReadyNodes } from '../../../src/workflows/bring-up/cluster-checks';

const node = (name: string, ready: boolean): NodeStatus => ({ name, ready, roles: [], version: 'v1.30.2' });
const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

function report(cps: string[]): ClusterReport {
  return {
    nodes: cps.map((cp) => node(cp, true)),
    controlPlanePods: cps.flatMap((cp) => COMPONENTS.map((c) => ({ namespace: 'kube-system', name: `${c}-${cp}`, node: cp, phase: 'Running' }))),
    readyz: 'ok',
  };
}

it('names the expected nodes that are NotReady or not registered, in the order expected', () => {
  expect(notReadyNodes(['cp1', 'w1', 'w2', 'w3'], [node('w1', false), node('cp1', true), node('w3', true), node('x', false)])).toEqual(['w1', 'w2']);
  expect(notReadyNodes(['cp1'], [node('cp1', true), node('w9', false)])).toEqual([]);
});

it("wants every control plane's static pods Running and /readyz ok", () => {
  expect(controlPlaneProblems(report(['cp1', 'cp2']), ['cp1', 'cp2'], true)).toEqual([]);
  const r = report(['cp1', 'cp2']);
  r.controlPlanePods = r.controlPlanePods.filter((p) => p.name !== 'kube-scheduler-cp2').map((p) => (p.name === 'kube-apiserver-cp1' ? { ...p, phase: 'Pending' } : p));
  r.readyz = '[-]etcd failed';
  expect(controlPlaneProblems(r, ['cp1', 'cp2'], true)).toEqual(['kube-apiserver-cp1 is Pending', 'kube-scheduler-cp2 is missing', '/readyz says "[-]etcd failed"']);
});

it('does not look for etcd pods with external etcd', () => {
  const r = report(['cp1']);
  r.controlPlanePods = r.controlPlanePods.filter((p) => !p.name.startsWith('etcd-'));
  expect(controlPlaneProblems(r, ['cp1'], false)).toEqual([]);
  expect(controlPlaneProblems(r, ['cp1'], true)).toEqual(['etcd-cp1 is missing']);
});
