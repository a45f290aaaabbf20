import path from 'node:path';
import { InputError } from '../../../src/client/errors';
import { loadSpecFile, parseSpec } from '../../../src/spec/load';
import { clusterSettings, controlPlanes, loadBalancers, workers } from '../../../src/spec/hosts';
import { pinToday } from '../../helpers/today';
import { clusterSpecWireSchema, wireProblems } from '../../../src/spec/wire';

pinToday();

const EXAMPLES = path.join(__dirname, '../../../examples');

function problemsOf(text: string): string[] {
  try {
    parseSpec(text, 'c.yaml', { baseDir: '/specs', homeDir: '/home/u' });
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  throw new Error('spec unexpectedly valid');
}

const base = (spec: string) => `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata:
  name: t
spec:
${spec}`;

describe('loadSpecFile', () => {
  it('accepts the issue example and fills every default', async () => {
    const { spec, warnings } = await loadSpecFile(path.join(EXAMPLES, 'ha-3-masters.yaml'), { homeDir: '/home/u' });
    expect(warnings).toEqual([]);
    expect(spec.name).toBe('prod-a');
    expect(spec.loadBalancer).toEqual({ type: 'kube-vip', vip: '192.168.0.100', port: 6443, interface: 'eth0', image: 'ghcr.io/kube-vip/kube-vip:v0.8.9' });
    expect(spec.ssh).toEqual({
      user: 'root',
      port: 22,
      privateKey: '/home/u/.ssh/id_ed25519',
      knownHosts: '/home/u/.ssh/known_hosts',
      acceptNewHostKeys: false,
      sudo: false,
      connectTimeoutMs: 10_000,
    });
    expect(spec.certificateKey).toEqual({ ttlMs: 7_200_000, renewBeforeMs: 900_000 });
    expect(spec.joinToken).toEqual({ ttlMs: 86_400_000, renewBeforeMs: 3_600_000, keep: false });
    expect(spec.approvals).toEqual(['before-init', 'before-workers']);
    expect(spec.approvalTimeoutsMs).toEqual({});
    expect(spec.networking.dnsDomain).toBe('cluster.local');
    expect(spec.cgroupDriver).toBe('systemd');
    expect(spec.kubeProxyMode).toBe('iptables');
    expect(spec.controlPlaneJoins).toBe('parallel');
    expect(spec.workers.maxConcurrentJoins).toBe(10);
    expect(spec.preflight).toEqual({ fix: false, ignore: [] });
    expect(controlPlanes(spec).map((h) => h.name)).toEqual(['k8s01', 'k8s02', 'k8s03']);
    expect(workers(spec).map((h) => h.name)).toEqual(['w1']);
    const settings = clusterSettings(spec);
    expect('hosts' in settings).toBe(false);
    expect(settings.controlPlanes).toHaveLength(3);
  });

  it('merges per-host ssh overrides and derives sudo from the user', async () => {
    const { spec } = await loadSpecFile(path.join(EXAMPLES, 'haproxy.yaml'), { homeDir: '/home/u' });
    expect(loadBalancers(spec).map((h) => h.name)).toEqual(['lb1', 'lb2']);
    const w1 = spec.hosts.find((h) => h.name === 'w1');
    const w2 = spec.hosts.find((h) => h.name === 'w2');
    expect(w1?.ssh).toMatchObject({ user: 'root', port: 2222, sudo: false, connectTimeoutMs: 15_000 });
    expect(w2?.ssh).toMatchObject({ user: 'ubuntu', port: 22, sudo: true });
    expect(spec.extraArgs.apiServer).toEqual({ 'audit-log-maxage': '30' });
    expect(spec.loadBalancer).toEqual({ type: 'haproxy-keepalived', vip: '10.0.0.100', port: 6443, interface: 'eth0', virtualRouterId: 51 });
  });

  it('names a missing file clearly', async () => {
    await expect(loadSpecFile('/nonexistent/spec.yaml')).rejects.toThrow(/cannot read spec \/nonexistent\/spec.yaml: no such file/);
  });

  it('resolves relative key paths against the spec directory', () => {
    const { spec } = parseSpec(
      base(`  kubernetesVersion: v1.29.0
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12, cni: ./cni/my.yaml, cniSha256: '${'0'.repeat(64)}' }
  ssh: { privateKey: keys/id, user: admin }
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
`),
      'c.yaml',
      { baseDir: '/specs', homeDir: '/home/u' },
    );
    expect(spec.ssh.privateKey).toBe('/specs/keys/id');
    expect(spec.ssh.sudo).toBe(true);
    expect(spec.networking.cni).toBe('/specs/cni/my.yaml');
    expect(spec.controlPlaneEndpoint).toBe('10.0.0.1:6443');
    expect(spec.loadBalancer).toEqual({ type: 'external' });
  });
});

describe('approvals and join token', () => {
  const spec = (extra: string) =>
    base(`  kubernetesVersion: v1.30.2
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
${extra}
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
`);
  const parse = (extra: string) => parseSpec(spec(extra), 'c.yaml', { baseDir: '/specs', homeDir: '/home/u' }).spec;

  it('takes a gate as its name or as { gate, timeout }, in order, once each', () => {
    const parsed = parse('  approvals: [{ gate: before-init, timeout: 4h }, before-workers, before-workers]');
    expect(parsed.approvals).toEqual(['before-init', 'before-workers']);
    expect(parsed.approvalTimeoutsMs).toEqual({ 'before-init': 4 * 3_600_000 });
    expect(parse('  approvals: [{ gate: before-workers }]').approvalTimeoutsMs).toEqual({});
  });

  it("takes a timeout for the upgrade's before-upgrade-apply gate (every upgrade holds there; listing it only sets the timeout)", () => {
    const parsed = parse('  approvals: [{ gate: before-upgrade-apply, timeout: 30m }]');
    expect(parsed.approvalTimeoutsMs).toEqual({ 'before-upgrade-apply': 30 * 60_000 });
    expect(wireProblems(clusterSpecWireSchema, parsed)).toEqual([]);
  });

  it('keeps one bootstrap token only when asked', () => {
    expect(parse('  joinToken: { keep: true }').joinToken).toEqual({ ttlMs: 86_400_000, renewBeforeMs: 3_600_000, keep: true });
    expect(parse('  joinToken: { ttl: 2h }').joinToken.keep).toBe(false);
  });

  it('says what is wrong with a gate, at the entry', () => {
    expect(
      problemsOf(spec(`  approvals:
    - { gate: before-lunch }
    - { gate: before-init, timeout: soon }
    - { gate: before-workers, timeot: 1h }
    - 42
    - before-init
  joinToken: { keep: maybe }`)),
    ).toEqual([
      'c.yaml:9:15: spec.approvals[0].gate: "before-lunch" is not one of "before-init", "before-workers", "before-upgrade-apply", "before-remove-workers", "before-reset"',
      'c.yaml:10:37: spec.approvals[1].timeout: "soon" is not a duration (use e.g. 2h, 15m, 30s, 250ms)',
      'c.yaml:11:31: spec.approvals[2].timeot: unknown field "timeot"; did you mean "timeout"?',
      'c.yaml:12:7: spec.approvals[3]: 42 is not one of "before-init", "before-workers", "before-upgrade-apply", "before-remove-workers", "before-reset"',
      'c.yaml:13:7: spec.approvals[4]: gate before-init is already listed at approvals[1] with timeout soon; list each gate once',
      'c.yaml:14:22: spec.joinToken.keep: expected boolean, got string',
    ]);
  });
});

describe('parseSpec problems', () => {
  it('reports every problem at once, each at its line and column', () => {
    const text = base(`  kubernetesVersion: v1.21.3
  controlPlaneEndpoint: 10.0.0.100:6443
  loadBalancer:
    type: kube-vip
    vip: 10.0.0.99
  networking:
    podSubnet: 10.0.0.0/16
    serviceSubnet: 10.96.0.0/33
  certificateKey: { ttl: 3h, renewBefore: 15m }
  approvals: [before-init, before-lunch]
  criSocket: "unix:///run/x.sock; rm -rf /"
  workers: { maxConcurrentJoins: 0 }
  colour: blue
  hosts:
    - { name: CP1, address: 10.0.0.1, role: control-plane }
    - { name: cp2, address: 10.0.0.1, role: control-plane }
    - { name: cp2, address: 10.0.0.300, role: worker }
    - { name: lb, address: 10.1.0.1, role: load-balancer }
`);
    expect(problemsOf(text)).toEqual([
      'c.yaml:6:22: spec.kubernetesVersion: Kubernetes v1.21.3 is not supported (kubeha supports v1.22–v1.37)',
      'c.yaml:9:5: spec.loadBalancer.interface: loadBalancer type kube-vip needs interface (the NIC that carries the VIP, e.g. eth0)',
      'c.yaml:10:10: spec.loadBalancer.vip: vip 10.0.0.99 differs from the controlPlaneEndpoint host 10.0.0.100; clients would not reach the VIP',
      'c.yaml:10:10: spec.loadBalancer.vip: the VIP address 10.0.0.99 lies inside podSubnet 10.0.0.0/16; pick subnets that do not contain host addresses',
      'c.yaml:13:20: spec.networking.serviceSubnet: "10.96.0.0/33" is not a valid CIDR (e.g. 10.244.0.0/16)',
      'c.yaml:14:26: spec.certificateKey.ttl: certificateKey ttl 3h exceeds 2h: kubeadm deletes the uploaded certificates after 2h',
      'c.yaml:15:28: spec.approvals[1]: "before-lunch" is not one of "before-init", "before-workers", "before-upgrade-apply", "before-remove-workers", "before-reset"',
      'c.yaml:16:14: spec.criSocket: "unix:///run/x.sock; rm -rf /" is not a CRI socket URL (unix:///path)',
      'c.yaml:17:34: spec.workers.maxConcurrentJoins: must be at least 1',
      'c.yaml:18:3: spec.colour: unknown field "colour"',
      'c.yaml:20:15: spec.hosts[0].name: "CP1" is not a valid Kubernetes node name (lowercase RFC 1123: a-z, 0-9, -, .)',
      'c.yaml:20:29: spec.hosts[0].address: host CP1 address 10.0.0.1 lies inside podSubnet 10.0.0.0/16; pick subnets that do not contain host addresses',
      'c.yaml:21:29: spec.hosts[1].address: duplicate host address "10.0.0.1" (already used by hosts[0])',
      'c.yaml:21:29: spec.hosts[1].address: host cp2 address 10.0.0.1 lies inside podSubnet 10.0.0.0/16; pick subnets that do not contain host addresses',
      'c.yaml:22:15: spec.hosts[2].name: duplicate host name "cp2" (already used by hosts[1])',
      'c.yaml:22:29: spec.hosts[2].address: "10.0.0.300" is not a valid IPv4 or IPv6 address',
      'c.yaml:23:44: spec.hosts[3].role: role load-balancer is only used with loadBalancer type haproxy-keepalived (type is kube-vip)',
      'c.yaml:20:5: warning: spec.hosts: 2 control planes: an even etcd member count tolerates no more failures than 1; prefer an odd number',
    ]);
  });
});

describe('parseSpec edge cases', () => {
  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('apiVersion: kubeha.io/v1alpha1\nkind: [Cluster\n')[0]).toMatch(/^c\.yaml:\d+:\d+: YAML syntax: /);
    expect(problemsOf('x: 0\nb:\n  a: 1\n  a: 2\n')).toEqual(['c.yaml:4:3: YAML syntax: Map keys must be unique']);
  });

  it('explains an empty file', () => {
    expect(problemsOf('')).toEqual(['c.yaml:1:1: expected object, got nothing']);
  });

  it('points a missing field at its parent mapping', () => {
    expect(problemsOf(base(`  kubernetesVersion: v1.30.0
  networking:
    podSubnet: 10.244.0.0/16
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
`))).toEqual(['c.yaml:8:5: spec.networking.serviceSubnet: missing required field "serviceSubnet"']);
  });

  it('rejects shell syntax in every field that reaches a remote command', () => {
    const problems = problemsOf(base(`  kubernetesVersion: v1.30.0
  imageRepository: "registry.k8s.io/$(id)"
  extraArgs:
    apiServer: { "x;y": "1", audit-policy-file: "/etc/a b" }
  ssh: { privateKey: "~/.ssh/id\`reboot\`", user: "root;" }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane, ssh: { knownHosts: "a|b" } }
`));
    expect(problems.map((p) => p.replace(/^c\.yaml:\d+:\d+: /, '').split(':')[0])).toEqual([
      'spec.imageRepository',
      'spec.extraArgs.apiServer.x;y',
      'spec.extraArgs.apiServer.audit-policy-file',
      'spec.ssh.privateKey',
      'spec.ssh.user',
      'spec.hosts[0].ssh.knownHosts',
    ]);
  });

  it('checks external etcd, lifetimes and load-balancer consistency', () => {
    const problems = problemsOf(base(`  kubernetesVersion: v1.31.0
  controlPlaneEndpoint: api.example.com:6443
  loadBalancer: { type: haproxy-keepalived, vip: 10.0.0.100, interface: eth0, image: "x/y:1" }
  etcd: { topology: external, endpoints: ["http://10.0.0.5:2379"], caFile: relative/ca.crt }
  controlPlaneJoins: parallel
  joinToken: { ttl: 1h, renewBefore: 2h }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.244.128.0/20 }
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
    - { name: cp2, address: 10.0.0.2, role: control-plane }
    - { name: cp3, address: 10.0.0.3, role: control-plane }
`));
    expect(problems).toEqual([
      'c.yaml:8:79: spec.loadBalancer.image: image only applies to loadBalancer type kube-vip',
      'c.yaml:9:9: spec.etcd.certFile: external etcd needs certFile',
      'c.yaml:9:9: spec.etcd.keyFile: external etcd needs keyFile',
      'c.yaml:9:43: spec.etcd.endpoints[0]: "http://10.0.0.5:2379" is not an https URL with host and port (e.g. https://10.0.0.5:2379)',
      'c.yaml:9:76: spec.etcd.caFile: "relative/ca.crt" is not an absolute path on the control-plane hosts (letters, digits and . _ / - only (no spaces or shell syntax))',
      'c.yaml:11:38: spec.joinToken.renewBefore: joinToken renewBefore (2h) must be shorter than ttl (1h)',
      'c.yaml:12:58: spec.networking.serviceSubnet: serviceSubnet 10.244.128.0/20 overlaps podSubnet 10.244.0.0/16',
      'c.yaml:14:5: spec.hosts: loadBalancer type haproxy-keepalived needs at least one host with role: load-balancer',
      'c.yaml:10:22: warning: spec.controlPlaneJoins: control-plane joins run serially with external etcd; parallel is ignored',
    ]);
  });

  it('requires an endpoint and a load balancer with several control planes', () => {
    expect(problemsOf(base(`  kubernetesVersion: v1.32.0
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
    - { name: cp2, address: "fd00::2", role: control-plane }
    - { name: cp3, address: 10.0.0.3, role: control-plane }
`))).toEqual([
      'c.yaml:6:3: spec.controlPlaneEndpoint: controlPlaneEndpoint is required with 3 control planes (the load balancer\'s VIP or DNS name with port, e.g. 192.168.0.100:6443)',
      'c.yaml:6:3: spec.loadBalancer: loadBalancer is required with 3 control planes (type: kube-vip, haproxy-keepalived or external)',
    ]);
  });
});

describe('parseSpec version-dependent and VIP rules', () => {
  it('rejects nftables before v1.31 and a VIP that is a host address', () => {
    expect(problemsOf(base(`  kubernetesVersion: v1.30.0
  kubeProxyMode: nftables
  controlPlaneEndpoint: 10.0.0.1:6443
  loadBalancer: { type: kube-vip, vip: 10.0.0.1, interface: eth0 }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
`))).toEqual([
      "c.yaml:7:18: spec.kubeProxyMode: kube-proxy's nftables mode needs Kubernetes v1.31 or later (it is behind a feature gate before); use iptables or ipvs with v1.30.0",
      'c.yaml:9:40: spec.loadBalancer.vip: vip 10.0.0.1 is also the address of host cp1; the VIP must be an otherwise unused address',
    ]);
  });

  it('accepts IPv6 hosts, a bracketed IPv6 endpoint and a jump host', () => {
    const { spec } = parseSpec(
      base(`  kubernetesVersion: v1.33.0
  controlPlaneEndpoint: "[fd00::100]:6443"
  loadBalancer: { type: kube-vip, vip: "fd00::100", interface: eth0 }
  networking: { podSubnet: "fd10::/56", serviceSubnet: "fd20::/112" }
  ssh: { jumpHost: { address: bastion.example.com, user: jump } }
  hosts:
    - { name: cp1, address: "fd00::1", role: control-plane }
`),
      'c.yaml',
      { baseDir: '/', homeDir: '/h' },
    );
    expect(spec.hosts[0]?.ssh.jumpHost).toEqual({ address: 'bastion.example.com', port: 22, user: 'jump' });
    expect(spec.loadBalancer).toMatchObject({ vip: 'fd00::100', port: 6443 });
  });
});

describe('parseSpec defaults for a single control plane', () => {
  it('derives the endpoint from the VIP when there is one', () => {
    const { spec } = parseSpec(
      base(`  kubernetesVersion: v1.29.4
  loadBalancer: { type: kube-vip, vip: 10.0.0.50, interface: ens3, port: 8443 }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
`),
      'c.yaml',
      { baseDir: '/', homeDir: '/h' },
    );
    expect(spec.controlPlaneEndpoint).toBe('10.0.0.50:8443');
    expect(spec.loadBalancer).toMatchObject({ port: 8443 });
  });
});
