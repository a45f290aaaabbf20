import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadSpecFile } from '../../../src/spec/load';
import { renderPlanFiles } from '../../../src/render/plan-files';
import { renderKubeadmInit } from '../../../src/render/kubeadm-init';
import { renderKubeadmJoin } from '../../../src/render/kubeadm-join';
import { kubeVipNeedsSuperAdminDuringInit, renderKubeVipManifest } from '../../../src/render/kube-vip';
import { EQUAL_BACKUP, renderCheckApiserverScript, renderKeepalivedConf, vrrpRole } from '../../../src/render/keepalived';
import type { ClusterSpec } from '../../../src/spec/types';
import { clusterSettings } from '../../../src/spec/hosts';
import type { RenderCluster } from '../../../src/render/cluster';

const ROOT = path.join(__dirname, '../../..');
const GOLDEN = path.join(ROOT, 'test/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

async function example(name: string): Promise<ClusterSpec> {
  return (await loadSpecFile(path.join(ROOT, 'examples', `${name}.yaml`), { homeDir: '/home/user' })).spec;
}

async function cluster(name: string): Promise<RenderCluster> {
  return clusterSettings(await example(name));
}

function expectGolden(relative: string, actual: string): void {
  const file = path.join(GOLDEN, relative);
  if (UPDATE) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`golden file ${relative} is missing; run UPDATE_GOLDEN=1 npx jest test/unit/render to create it`);
  }
  expect(actual).toBe(expected);
}

describe.each([
  ['ha-3-masters', 'kubeadm.k8s.io/v1beta3'],
  ['haproxy', 'kubeadm.k8s.io/v1beta4'],
  ['external-etcd', 'kubeadm.k8s.io/v1beta3'],
])('plan files for examples/%s.yaml', (name, api) => {
  it('match the golden files', async () => {
    const files = renderPlanFiles(await example(name));
    for (const f of files) expectGolden(`${name}/${f.path}`, f.content);
    expect(files.length).toBeGreaterThan(0);
  });

  it(`use ${api} and parse back as YAML`, async () => {
    const spec = await example(name);
    const init = parseAllDocuments(renderKubeadmInit(clusterSettings(spec))).map((d) => d.toJS());
    expect(init.map((d) => d.kind)).toEqual(['InitConfiguration', 'ClusterConfiguration', 'KubeletConfiguration', 'KubeProxyConfiguration']);
    expect(init[0].apiVersion).toBe(api);
    expect(init[1].apiVersion).toBe(api);
  });
});

describe('kubeadm init file', () => {
  it('covers every control-plane name and address plus the VIP in certSANs, with no secrets', async () => {
    const spec = await example('ha-3-masters');
    const text = renderKubeadmInit(clusterSettings(spec));
    const [init, cluster] = parseAllDocuments(text).map((d) => d.toJS());
    expect(cluster.apiServer.certSANs).toEqual(['k8s01', '192.168.0.180', 'k8s02', '192.168.0.41', 'k8s03', '192.168.0.241', '192.168.0.100']);
    expect(cluster.controlPlaneEndpoint).toBe('192.168.0.100:6443');
    expect(init.localAPIEndpoint).toEqual({ advertiseAddress: '192.168.0.180', bindPort: 6443 });
    expect(init.nodeRegistration).toEqual({ name: 'k8s01', criSocket: 'unix:///run/containerd/containerd.sock', kubeletExtraArgs: { 'node-ip': '192.168.0.180' } });
    expect(init.bootstrapTokens).toBeUndefined();
    expect(init.certificateKey).toBeUndefined();
  });

  it('writes extraArgs as a map for v1beta3 and a name/value list for v1beta4', async () => {
    const v3 = parseAllDocuments(renderKubeadmInit(await cluster('external-etcd'))).map((d) => d.toJS());
    expect(v3[1].apiServer.extraArgs).toEqual({ 'enable-admission-plugins': 'NodeRestriction,PodSecurity' });
    expect(v3[1].etcd.external.endpoints).toHaveLength(3);
    const v4 = parseAllDocuments(renderKubeadmInit(await cluster('haproxy'))).map((d) => d.toJS());
    expect(v4[1].apiServer.extraArgs).toEqual([{ name: 'audit-log-maxage', value: '30' }]);
    expect(v4[0].nodeRegistration.kubeletExtraArgs).toEqual([{ name: 'node-ip', value: '10.0.0.21' }]);
    expect(v4[1].etcd.local.serverCertSANs).toEqual(['cp1', '10.0.0.21', 'cp2', '10.0.0.22', 'cp3', '10.0.0.23']);
  });

  it('carries secrets only when asked to', async () => {
    const spec = await example('haproxy');
    const [init] = parseAllDocuments(renderKubeadmInit(clusterSettings(spec), { certificateKey: 'k'.repeat(64), bootstrapToken: { token: 'abcdef.0123456789abcdef', ttlMs: 3_600_000 } })).map((d) => d.toJS());
    expect(init.certificateKey).toBe('k'.repeat(64));
    expect(init.bootstrapTokens[0]).toMatchObject({ token: 'abcdef.0123456789abcdef', ttl: '3600s' });
    const [scaled] = parseAllDocuments(renderKubeadmInit(clusterSettings(spec), { bootstrapToken: { token: 'abcdef.0123456789abcdef', ttlMs: 250 } })).map((d) => d.toJS());
    expect(scaled.bootstrapTokens[0].ttl).toBe('1s');
  });
});

describe('kubeadm join file', () => {
  it('puts the secrets where kubeadm reads them', async () => {
    const spec = await example('haproxy');
    const cp2 = spec.hosts.find((h) => h.name === 'cp2')!;
    const secrets = { token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'a'.repeat(64)}`, certificateKey: 'f'.repeat(64) };
    const join = parse(renderKubeadmJoin({ cluster: clusterSettings(spec), host: cp2, as: 'control-plane', secrets }));
    expect(join).toEqual({
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'JoinConfiguration',
      discovery: { bootstrapToken: { apiServerEndpoint: '10.0.0.100:6443', token: secrets.token, caCertHashes: [secrets.caCertHash] } },
      nodeRegistration: { name: 'cp2', criSocket: 'unix:///run/containerd/containerd.sock', kubeletExtraArgs: [{ name: 'node-ip', value: '10.0.0.22' }], ignorePreflightErrors: ['NumCPU'] },
      controlPlane: { localAPIEndpoint: { advertiseAddress: '10.0.0.22', bindPort: 6443 }, certificateKey: secrets.certificateKey },
    });
    const w1 = spec.hosts.find((h) => h.name === 'w1')!;
    expect(parse(renderKubeadmJoin({ cluster: clusterSettings(spec), host: w1, as: 'worker', secrets })).controlPlane).toBeUndefined();
    expect(() => renderKubeadmJoin({ cluster: clusterSettings(spec), host: cp2, as: 'control-plane', secrets: { ...secrets, certificateKey: undefined } })).toThrow(/certificate key/);
  });
});

describe('kube-vip manifest', () => {
  it('uses super-admin.conf only on the first control plane during init from v1.29 on', async () => {
    const spec = await example('ha-3-masters');
    const [k8s01, k8s02] = spec.hosts;
    const volume = (text: string) => parse(text).spec.volumes[0].hostPath.path;
    expect(volume(renderKubeVipManifest(clusterSettings(spec), k8s01!))).toBe('/etc/kubernetes/super-admin.conf');
    expect(volume(renderKubeVipManifest(clusterSettings(spec), k8s01!, { afterInit: true }))).toBe('/etc/kubernetes/admin.conf');
    expect(volume(renderKubeVipManifest(clusterSettings(spec), k8s02!))).toBe('/etc/kubernetes/admin.conf');
    expect(volume(renderKubeVipManifest({ ...clusterSettings(spec), kubernetesVersion: 'v1.28.9' }, k8s01!))).toBe('/etc/kubernetes/admin.conf');
    const env = Object.fromEntries(parse(renderKubeVipManifest(clusterSettings(spec), k8s02!)).spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ vip_arp: 'true', cp_enable: 'true', vip_leaderelection: 'true', vip_address: '192.168.0.100', vip_interface: 'eth0', port: '6443' });
  });

  it('is re-rendered for the first control plane after init without super-admin.conf anywhere (v1.29+)', async () => {
    const cluster = clusterSettings(await example('ha-3-masters'));
    const [k8s01, k8s02] = cluster.controlPlanes;
    expect(kubeVipNeedsSuperAdminDuringInit(cluster, k8s01!)).toBe(true);
    expect(kubeVipNeedsSuperAdminDuringInit(cluster, k8s02!)).toBe(false);
    expect(kubeVipNeedsSuperAdminDuringInit({ ...cluster, kubernetesVersion: 'v1.28.9' }, k8s01!)).toBe(false);
    const after = renderKubeVipManifest(cluster, k8s01!, { afterInit: true });
    expect(after).not.toContain('super-admin');
    expect(after).toBe(renderKubeVipManifest(cluster, k8s02!).replace(/k8s02/g, 'k8s01'));
  });
});

describe('keepalived', () => {
  it('makes the first load balancer MASTER and the rest BACKUP with falling priorities', async () => {
    const spec = await example('haproxy');
    const lbs = spec.hosts.filter((h) => h.role === 'load-balancer');
    expect(lbs.map((h) => vrrpRole(lbs, h))).toEqual([
      { state: 'MASTER', priority: 101 },
      { state: 'BACKUP', priority: 99 },
    ]);
    const script = path.join(os.tmpdir(), `kubeha-check-${process.pid}.sh`);
    writeFileSync(script, renderCheckApiserverScript(clusterSettings(spec)));
    expect(() => execFileSync('sh', ['-n', script])).not.toThrow();
    rmSync(script);
    const conf = renderKeepalivedConf(clusterSettings(spec), lbs[1]!, EQUAL_BACKUP);
    expect(conf).toContain('    state BACKUP\n    interface eth0\n    virtual_router_id 51\n    priority 100\n');
    expect(() => vrrpRole(lbs, spec.hosts.find((h) => h.name === 'cp1')!)).toThrow(/not a load-balancer host/);
  });
});
