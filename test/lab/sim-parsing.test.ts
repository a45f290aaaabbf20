/** The simulator's parsers: pflag-style command lines, Go durations, kubeadm --config files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimExit } from '../../lab/sim/errors';
import { parseArgs } from '../../lab/sim/flags';
import { parseDuration } from '../../lab/sim/kubeadm/duration';
import { initOptions, joinOptions } from '../../lab/sim/kubeadm/options';
import { serviceIp } from '../../lab/sim/kubeadm/service-ip';

const BOOLS = new Set(['upload-certs', 'control-plane']);
const defaults = { nodeName: 'cp1', address: '127.0.9.11', kubernetesVersion: 'v1.30.2' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-sim-parse-'));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

function simExit(fn: () => unknown): SimExit {
  try {
    fn();
  } catch (err) {
    if (err instanceof SimExit) return err;
    throw err;
  }
  throw new Error('expected a SimExit');
}

describe('parseArgs', () => {
  test('--a=b, --a b, booleans, shorthands and positionals', () => {
    const p = parseArgs(['init', '--pod-network-cidr=10.244.0.0/16', '--upload-certs', '--node-name', 'x', '-o', 'json', 'extra'], BOOLS, { o: 'output' });
    expect(p.positional).toEqual(['init', 'extra']);
    expect(p.flags.get('pod-network-cidr')).toBe('10.244.0.0/16');
    expect(p.flags.get('upload-certs')).toBe('true');
    expect(p.flags.get('node-name')).toBe('x');
    expect(p.flags.get('output')).toBe('json');
  });

  test('repeated --ignore-preflight-errors accumulate; a missing value is an error', () => {
    const p = parseArgs(['--ignore-preflight-errors=Swap', '--ignore-preflight-errors', 'NumCPU'], BOOLS);
    expect(p.flags.get('ignore-preflight-errors')).toBe('Swap,NumCPU');
    expect(simExit(() => parseArgs(['--token'], BOOLS)).message).toBe('Error: flag needs an argument: --token');
  });
});

test('parseDuration reads Go durations as milliseconds', () => {
  expect(parseDuration('24h0m0s')).toBe(86_400_000);
  expect(parseDuration('1h30m')).toBe(5_400_000);
  expect(parseDuration('3600s')).toBe(3_600_000);
  expect(parseDuration('0')).toBe(0);
  expect(parseDuration('10 minutes')).toBeUndefined();
});

test('serviceIp is the first address of the service CIDR', () => {
  expect(serviceIp('10.96.0.0/12')).toBe('10.96.0.1');
  expect(serviceIp('172.16.255.0/24')).toBe('172.16.255.1');
});

describe('kubeadm init options', () => {
  test('flags', () => {
    const o = initOptions(parseArgs(['--control-plane-endpoint', 'vip:6443', '--upload-certs', '--pod-network-cidr', '10.244.0.0/16', '--apiserver-cert-extra-sans', 'a,1.2.3.4'], BOOLS), defaults);
    expect(o).toMatchObject({ controlPlaneEndpoint: 'vip:6443', uploadCerts: true, podSubnet: '10.244.0.0/16', advertiseAddress: '127.0.9.11', nodeName: 'cp1', certSans: ['a', '1.2.3.4'] });
  });

  test.each(['v1beta3', 'v1beta4'])('--config with %s InitConfiguration + ClusterConfiguration', (v) => {
    const f = file(`init-${v}.yaml`, `apiVersion: kubeadm.k8s.io/${v}
kind: InitConfiguration
bootstrapTokens:
- token: abcdef.0123456789abcdef
  ttl: 2h
nodeRegistration:
  name: k8s01
  ignorePreflightErrors: [NumCPU]
localAPIEndpoint:
  advertiseAddress: 127.0.9.12
  bindPort: 6443
---
apiVersion: kubeadm.k8s.io/${v}
kind: ClusterConfiguration
clusterName: prod-a
kubernetesVersion: v1.31.1
controlPlaneEndpoint: 127.0.9.10:6443
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.112.0.0/12
apiServer:
  certSANs: [k8s01, 127.0.9.12]
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
`);
    const o = initOptions(parseArgs(['--config', f, '--upload-certs', '--ignore-preflight-errors=Swap'], BOOLS), defaults);
    expect(o).toMatchObject({
      nodeName: 'k8s01', advertiseAddress: '127.0.9.12', controlPlaneEndpoint: '127.0.9.10:6443', kubernetesVersion: 'v1.31.1',
      podSubnet: '10.244.0.0/16', serviceSubnet: '10.112.0.0/12', clusterName: 'prod-a', uploadCerts: true,
      token: 'abcdef.0123456789abcdef', tokenTtlMs: 7_200_000, certSans: ['k8s01', '127.0.9.12'],
    });
    expect(o.ignorePreflight.sort()).toEqual(['NumCPU', 'Swap']);
  });

  test('ClusterConfiguration etcd.external is read; without it etcd is local', () => {
    const f = file('external.yaml', `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
etcd:
  external:
    endpoints: [https://10.0.0.5:2379, https://10.0.0.6:2379]
    caFile: /etc/kubernetes/pki/etcd/ca.crt
    certFile: /etc/kubernetes/pki/apiserver-etcd-client.crt
    keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key
`);
    expect(initOptions(parseArgs(['--config', f], BOOLS), defaults).externalEtcd).toEqual({
      endpoints: ['https://10.0.0.5:2379', 'https://10.0.0.6:2379'],
      caFile: '/etc/kubernetes/pki/etcd/ca.crt',
      certFile: '/etc/kubernetes/pki/apiserver-etcd-client.crt',
      keyFile: '/etc/kubernetes/pki/apiserver-etcd-client.key',
    });
    const local = file('local.yaml', 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\netcd:\n  local:\n    dataDir: /var/lib/etcd\n');
    expect(initOptions(parseArgs(['--config', local], BOOLS), defaults).externalEtcd).toBeUndefined();
  });

  test('--config mixed with other flags is refused like kubeadm', () => {
    const f = file('mixed.yaml', 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n');
    const e = simExit(() => initOptions(parseArgs(['--config', f, '--pod-network-cidr', '10.0.0.0/8', '--control-plane-endpoint', 'x'], BOOLS), defaults));
    expect(e.message).toBe("can not mix '--config' with arguments [control-plane-endpoint pod-network-cidr]");
  });

  test('an old API version and broken YAML are named', () => {
    const old = file('old.yaml', 'apiVersion: kubeadm.k8s.io/v1beta2\nkind: InitConfiguration\n');
    expect(simExit(() => initOptions(parseArgs(['--config', old], BOOLS), defaults)).message).toContain('your configuration file uses an old API spec: "kubeadm.k8s.io/v1beta2"');
    const bad = file('bad.yaml', 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: [InitConfiguration\n');
    expect(simExit(() => initOptions(parseArgs(['--config', bad], BOOLS), defaults)).message).toMatch(/^error converting YAML to JSON: yaml: line \d+: /);
    expect(simExit(() => initOptions(parseArgs(['--config', path.join(dir, 'nope.yaml')], BOOLS), defaults)).message).toContain('no such file or directory');
  });
});

describe('kubeadm join options', () => {
  test('flags', () => {
    const o = joinOptions(parseArgs(['127.0.9.10:6443', '--token', 'abcdef.0123456789abcdef', '--discovery-token-ca-cert-hash', 'sha256:aa', '--control-plane', '--certificate-key', 'k'], BOOLS), defaults);
    expect(o).toMatchObject({ endpoint: '127.0.9.10:6443', token: 'abcdef.0123456789abcdef', caCertHashes: ['sha256:aa'], controlPlane: true, certificateKey: 'k' });
  });

  test('--config JoinConfiguration with a controlPlane section', () => {
    const f = file('join.yaml', `apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 127.0.9.10:6443
    token: abcdef.0123456789abcdef
    caCertHashes: [sha256:bb]
nodeRegistration:
  name: k8s02
controlPlane:
  localAPIEndpoint:
    advertiseAddress: 127.0.9.12
    bindPort: 6443
  certificateKey: cafe
`);
    const o = joinOptions(parseArgs(['--config', f], BOOLS), defaults);
    expect(o).toMatchObject({ nodeName: 'k8s02', endpoint: '127.0.9.10:6443', token: 'abcdef.0123456789abcdef', caCertHashes: ['sha256:bb'], controlPlane: true, certificateKey: 'cafe', advertiseAddress: '127.0.9.12' });
  });

  test('a worker JoinConfiguration has no control plane', () => {
    const f = file('worker.yaml', 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    apiServerEndpoint: v:6443\n    token: abcdef.0123456789abcdef\n    unsafeSkipCAVerification: true\n');
    expect(joinOptions(parseArgs(['--config', f], BOOLS), defaults)).toMatchObject({ controlPlane: false, unsafeSkipCaVerification: true });
  });
});
