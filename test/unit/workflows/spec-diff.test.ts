import type { ClusterSpec, HostSpec } from '../../../src/spec/types';
import { diffWorkers } from '../../../src/workflows/cluster/spec-diff';

const host = (name: string, role: HostSpec['role'], address = `10.0.0.${name.length + name.charCodeAt(name.length - 1)}`): HostSpec => ({ name, role, address }) as HostSpec;
const spec = (hosts: HostSpec[], extra: Partial<ClusterSpec> = {}): ClusterSpec => ({ name: 'c', kubernetesVersion: 'v1.31.1', networking: { podSubnet: '10.244.0.0/16' }, hosts, ...extra }) as unknown as ClusterSpec;
const base = [host('cp1', 'control-plane'), host('w1', 'worker'), host('w2', 'worker')];

describe('what kubeha apply changes', () => {
  it('finds the workers added and removed', () => {
    const diff = diffWorkers(spec(base), spec([base[0]!, base[2]!, host('w3', 'worker')]), 'v1.31.1');
    expect(diff).toEqual({ added: [host('w3', 'worker')], removed: [base[1]] });
  });

  it('refuses every other change, naming it', () => {
    expect(diffWorkers(spec(base), spec(base, { kubernetesVersion: 'v1.31.2' }), 'v1.31.1')).toEqual({
      problem: 'the spec says kubernetesVersion v1.31.2 but the cluster runs v1.31.1: versions change through kubeha upgrade; set v1.31.1 in the spec',
    });
    expect(diffWorkers(spec(base), spec([...base, host('w3', 'worker')], { networking: { podSubnet: '10.9.0.0/16' } } as Partial<ClusterSpec>), 'v1.31.1')).toEqual({
      problem: 'apply adds and removes workers only; the spec also changes networking',
    });
    expect(diffWorkers(spec(base), spec([base[1]!, base[2]!]), 'v1.31.1')).toMatchObject({ problem: expect.stringContaining('control-plane cp1 is removed') });
    expect(diffWorkers(spec(base), spec([...base, host('cp2', 'control-plane')]), 'v1.31.1')).toMatchObject({ problem: expect.stringContaining('control-plane cp2 is new') });
    expect(diffWorkers(spec(base), spec([base[0]!, host('w1', 'worker', '10.9.9.9'), base[2]!]), 'v1.31.1')).toMatchObject({ problem: expect.stringContaining('worker w1 changes') });
    expect(diffWorkers(spec(base), spec(base), 'v1.31.1')).toEqual({ problem: 'nothing to apply: the spec has the workers the cluster has' });
  });

  it('compares against the version the cluster runs now (the recorded spec follows upgrades)', () => {
    expect(diffWorkers(spec(base, { kubernetesVersion: 'v1.30.2' }), spec([...base, host('w3', 'worker')]), 'v1.31.1')).toMatchObject({ added: [host('w3', 'worker')] });
  });
});
