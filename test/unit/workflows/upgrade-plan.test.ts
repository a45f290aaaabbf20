import { judgeKubeadmUpgrade, type UpgradeHostFacts } from '../../../src/activities/upgrade-state';
import type { UpgradeFacts } from '../../../src/activities/upgrade-types';
import { concurrencyOf } from '../../../src/plan/operation';
import type { ClusterSpec, HostSpec } from '../../../src/spec/types';
import { planUpgrade } from '../../../src/workflows/upgrade/plan';
import { clusterVersionProblems, unfinishedUpgrade } from '../../../src/workflows/upgrade/skew';
import { maxConcurrentDrains } from '../../../lab/sim/kubectl/drain-record';

const host = (name: string, role: HostSpec['role']): HostSpec => ({ name, role, address: `10.0.0.${name.length}` }) as HostSpec;

function spec(workers: number, extra: Partial<ClusterSpec> = {}): ClusterSpec {
  const hosts = [host('cp1', 'control-plane'), host('cp2', 'control-plane'), host('cp3', 'control-plane'), ...Array.from({ length: workers }, (_, i) => host(`w${i + 1}`, 'worker')), host('lb', 'load-balancer')];
  return { name: 'c', kubernetesVersion: 'v1.30.2', hosts, approvals: [], ...extra } as unknown as ClusterSpec;
}

describe('upgrade phase declarations', () => {
  it('declares kubeadm first, the plan before the gate, apply on the first control plane, the others one at a time, workers maxUnavailable at a time', () => {
    const planned = planUpgrade({ spec: spec(5), to: 'v1.31.1', maxUnavailable: 2 }).map((p) => p.description);
    expect(planned.map((d) => [d.id, d.hosts.map((h) => h.name)])).toEqual([
      ['check-versions', ['cp1']],
      ['upgrade-kubeadm', ['cp1']],
      ['upgrade-plan', ['cp1']],
      ['approve-before-upgrade-apply', []],
      ['upgrade-apply', ['cp1']],
      ['upgrade-control-planes', ['cp2', 'cp3']],
      ['upgrade-workers', ['w1', 'w2', 'w3', 'w4', 'w5']],
      ['verify-upgrade', ['cp1']],
    ]);
    const byId = new Map(planned.map((d) => [d.id, d]));
    expect(concurrencyOf(byId.get('upgrade-control-planes')!)).toBe(1);
    expect(concurrencyOf(byId.get('upgrade-workers')!)).toBe(2);
    expect(byId.get('approve-before-upgrade-apply')?.gate).toEqual({ name: 'before-upgrade-apply' });
  });

  it('leaves out the steps with no hosts and carries the gate timeout from the spec', () => {
    const planned = planUpgrade({ spec: spec(0, { approvalTimeoutsMs: { 'before-upgrade-apply': 60_000 } } as Partial<ClusterSpec>), to: 'v1.30.5', maxUnavailable: 1 }).map((p) => p.description);
    expect(planned.map((d) => d.id)).not.toContain('upgrade-workers');
    expect(planned.find((d) => d.gate)?.gate).toEqual({ name: 'before-upgrade-apply', timeoutMs: 60_000 });
  });
});

describe('the running cluster judged against the target', () => {
  const facts = (over: Partial<UpgradeFacts> = {}): UpgradeFacts => ({
    endpointVersion: 'v1.30.2',
    localVersion: 'v1.30.2',
    nodes: ['cp1', 'w1'].map((name) => ({ name, ready: true, roles: [], version: 'v1.30.2' })),
    ...over,
  });

  it('accepts the next minor, and a cluster already at the target (resuming)', () => {
    expect(clusterVersionProblems(facts(), 'v1.31.1', ['cp1', 'w1'])).toEqual([]);
    expect(clusterVersionProblems(facts({ endpointVersion: 'v1.31.1', localVersion: 'v1.31.1' }), 'v1.31.1', ['cp1', 'w1'])).toEqual([]);
  });

  it('refuses a skipped minor, a downgrade, a kubelet newer than the target and a missing node', () => {
    expect(clusterVersionProblems(facts(), 'v1.32.0', ['cp1', 'w1']).join('\n')).toMatch(/one minor at a time/);
    expect(clusterVersionProblems(facts({ endpointVersion: 'v1.31.2' }), 'v1.31.1', ['cp1']).join('\n')).toMatch(/downgrade/);
    const newer = facts({ nodes: [{ name: 'cp1', ready: true, roles: [], version: 'v1.31.3' }] });
    expect(clusterVersionProblems(newer, 'v1.31.1', ['cp1', 'w9'])).toEqual(["node cp1's kubelet is v1.31.3, newer than v1.31.1", 'node w9 is not registered in the cluster']);
  });

  it('a finished upgrade: endpoint and every node Ready at the target', () => {
    const done = facts({ endpointVersion: 'v1.31.1', nodes: [{ name: 'cp1', ready: true, roles: [], version: 'v1.31.1' }, { name: 'w1', ready: false, roles: [], version: 'v1.31.1' }] });
    expect(unfinishedUpgrade(done, 'v1.31.1', ['cp1', 'w1'])).toEqual(['node w1 is not Ready']);
  });
});

describe('kubeadm upgrade apply|node: done, running, or to run', () => {
  const all = (v: string) => ({ 'kube-apiserver': v, 'kube-controller-manager': v, 'kube-scheduler': v });
  const f = (over: Partial<UpgradeHostFacts>): UpgradeHostFacts => ({ kubeadm: 'v1.31.1', kubelet: 'v1.30.2', manifests: all('v1.30.2'), apiVersions: [], run: { kind: 'none' }, ...over });

  it('attaches to a run still going and trusts a run that exited 0', () => {
    expect(judgeKubeadmUpgrade(f({ run: { kind: 'running' } }), 'v1.31.1', true)).toEqual({ state: 'running' });
    expect(judgeKubeadmUpgrade(f({ run: { kind: 'exited', code: 0 } }), 'v1.31.1', true).state).toBe('done');
  });

  it('runs again after a run that died or failed, even with the manifests moved (kubeadm is re-run to finish)', () => {
    expect(judgeKubeadmUpgrade(f({ run: { kind: 'died' }, manifests: all('v1.31.1') }), 'v1.31.1', true).state).toBe('run');
    expect(judgeKubeadmUpgrade(f({ run: { kind: 'exited', code: 1 } }), 'v1.31.1', true).state).toBe('run');
  });

  it('without a run of its own: done when every control-plane manifest (or a worker kubelet) is at the target', () => {
    expect(judgeKubeadmUpgrade(f({ manifests: all('v1.31.1') }), 'v1.31.1', true).state).toBe('done');
    expect(judgeKubeadmUpgrade(f({ manifests: { 'kube-apiserver': 'v1.31.1' } }), 'v1.31.1', true).state).toBe('run');
    expect(judgeKubeadmUpgrade(f({ manifests: {}, kubelet: 'v1.31.1' }), 'v1.31.1', false).state).toBe('done');
    expect(judgeKubeadmUpgrade(f({ manifests: {} }), 'v1.31.1', false).state).toBe('run');
  });
});

describe('the lab drain record', () => {
  it('counts control planes and workers out of service at the same time', () => {
    const e = (node: string, event: 'drain' | 'uncordon', at: number) => ({ node, controlPlane: node.startsWith('cp'), event, at });
    expect(maxConcurrentDrains([e('cp1', 'drain', 1), e('cp1', 'uncordon', 2), e('cp2', 'drain', 3), e('w1', 'drain', 4), e('w2', 'drain', 5), e('w1', 'uncordon', 6), e('cp2', 'uncordon', 7)])).toEqual({
      controlPlanes: 1,
      workers: 2,
    });
  });
});
