import { renderClusterSpec } from '../../../lab/cluster-spec';
import { planLabHosts } from '../../../lab/hosts/plan';
import type { LabLoadBalancer } from '../../../lab/layout';
import { planSteps } from '../../../src/plan/steps';
import { renderPlanFiles } from '../../../src/render/plan-files';
import { parseSpec } from '../../../src/spec/load';
import { pinToday } from '../../helpers/today';

pinToday();

describe.each<LabLoadBalancer>(['kube-vip', 'haproxy', 'external'])('the spec `kubeha lab up` writes (%s)', (loadBalancer) => {
  it('validates, plans and renders', () => {
    const { vip, hosts } = planLabHosts({ controlPlanes: 3, workers: 2, loadBalancer, addressPrefix: '127.0.3' });
    const text = renderClusterSpec({
      config: { dir: '/tmp/lab-x', timeScale: 3600, latencyScale: 1, loadBalancer, vip, apiServerPort: 6443, kubernetesVersion: 'v1.30.2', hosts },
    });
    const { spec, warnings } = parseSpec(text, '/tmp/lab-x/cluster.yaml', { baseDir: '/tmp/lab-x', homeDir: '/root' });
    expect(warnings).toEqual([]);
    expect(spec.certificateKey).toEqual({ ttlMs: 2000, renewBeforeMs: 250 });
    expect(spec.controlPlaneEndpoint).toBe('127.0.3.10:6443');
    expect(planSteps(spec).map((s) => s.id)).toContain('join-workers');
    const files = renderPlanFiles(spec).map((f) => f.path);
    expect(files).toContain('cp1/kubeadm-init.yaml');
    if (loadBalancer === 'haproxy') expect(files).toContain('lb1/haproxy.cfg');
  });
});

describe('the spec `kubeha lab up --external-etcd 3` writes', () => {
  it('names the external members and the files on the first control plane, lists no etcd host as a node, validates and renders etcd.external', () => {
    const { vip, hosts } = planLabHosts({ controlPlanes: 2, workers: 1, loadBalancer: 'external', addressPrefix: '127.0.3', etcdMembers: 3 });
    expect(hosts.map((h) => [h.name, h.role, h.address])).toEqual([
      ['cp1', 'control-plane', '127.0.3.11'],
      ['cp2', 'control-plane', '127.0.3.12'],
      ['w1', 'worker', '127.0.3.13'],
      ['etcd1', 'etcd', '127.0.3.14'],
      ['etcd2', 'etcd', '127.0.3.15'],
      ['etcd3', 'etcd', '127.0.3.16'],
    ]);
    const text = renderClusterSpec({
      config: { dir: '/tmp/lab-x', timeScale: 3600, latencyScale: 1, loadBalancer: 'external', vip, apiServerPort: 6443, kubernetesVersion: 'v1.30.2', hosts },
    });
    const { spec, warnings } = parseSpec(text, '/tmp/lab-x/cluster.yaml', { baseDir: '/tmp/lab-x', homeDir: '/root' });
    expect(warnings).toEqual([]);
    expect(spec.hosts.map((h) => h.name)).toEqual(['cp1', 'cp2', 'w1']);
    expect(spec.etcd).toEqual({
      topology: 'external',
      endpoints: ['https://127.0.3.14:2379', 'https://127.0.3.15:2379', 'https://127.0.3.16:2379'],
      caFile: '/etc/kubernetes/pki/etcd/ca.crt',
      certFile: '/etc/kubernetes/pki/apiserver-etcd-client.crt',
      keyFile: '/etc/kubernetes/pki/apiserver-etcd-client.key',
    });
    const init = renderPlanFiles(spec).find((f) => f.path === 'cp1/kubeadm-init.yaml');
    expect(init?.content).toContain('external:');
  });

  it('refuses a negative member count', () => {
    expect(() => planLabHosts({ controlPlanes: 1, workers: 0, loadBalancer: 'external', addressPrefix: '127.0.3', etcdMembers: -1 })).toThrow('external etcd members must be a whole number >= 0 (got -1)');
  });
});
