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
