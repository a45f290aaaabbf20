import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { renderKubeadmInit } from '../../../src/render/kubeadm-init';
import { renderKubeVipManifest } from '../../../src/render/kube-vip';
import { renderPlanFiles } from '../../../src/render/plan-files';
import { clusterSettings } from '../../../src/spec/hosts';
import { loadSpecFile } from '../../../src/spec/load';
import type { ClusterSpec } from '../../../src/spec/types';

/** What `kubeha plan` renders per release: the kubeadm API and the v1.22 specifics kubeha relies on. */

const ROOT = path.join(__dirname, '../../..');
const GOLDEN = path.join(ROOT, 'test/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const example = async (name: string): Promise<ClusterSpec> => (await loadSpecFile(path.join(ROOT, 'examples', `${name}.yaml`), { homeDir: '/home/user' })).spec;

function expectGolden(relative: string, actual: string): void {
  const file = path.join(GOLDEN, relative);
  if (UPDATE) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const kubeadmDocs = (files: { path: string; content: string }[]) =>
  files.filter((f) => /kubeadm-(init|join)\.yaml$/.test(f.path)).flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as { apiVersion: string; kind: string }));

describe.each([
  ['seed-v1.22-kube-vip', 'kubeadm.k8s.io/v1beta3'],
  ['current-upstream', 'kubeadm.k8s.io/v1beta4'],
])('kubeha plan for examples/%s.yaml', (name, api) => {
  it('matches the golden files', async () => {
    const files = renderPlanFiles(await example(name));
    for (const f of files) expectGolden(`${name}/${f.path}`, f.content);
  });

  it(`writes every kubeadm document as ${api}`, async () => {
    const docs = kubeadmDocs(renderPlanFiles(await example(name))).filter((d) => d.apiVersion.startsWith('kubeadm.k8s.io/'));
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['InitConfiguration', 'ClusterConfiguration', 'JoinConfiguration']));
    expect(new Set(docs.map((d) => d.apiVersion))).toEqual(new Set([api]));
  });
});

describe('v1.22 specifics', () => {
  it('keeps kube-vip on admin.conf throughout: kubeadm v1.22 writes no super-admin.conf and its admin.conf is system:masters', async () => {
    const spec = await example('seed-v1.22-kube-vip');
    const volume = (text: string) => parse(text).spec.volumes[0].hostPath.path;
    for (const host of spec.hosts) expect(volume(renderKubeVipManifest(clusterSettings(spec), host))).toBe('/etc/kubernetes/admin.conf');
  });

  it('writes extraArgs as a v1beta3 map', async () => {
    const spec = await example('seed-v1.22-kube-vip');
    const cluster = clusterSettings({ ...spec, extraArgs: { ...spec.extraArgs, apiServer: { 'audit-log-maxage': '30' } } });
    const [init, config] = parseAllDocuments(renderKubeadmInit(cluster)).map((d) => d.toJS());
    expect(config.apiServer.extraArgs).toEqual({ 'audit-log-maxage': '30' });
    expect(init.nodeRegistration.kubeletExtraArgs).toEqual({ 'node-ip': '192.168.0.180' });
  });

  it('names CoreDNS\'s repository under registry.k8s.io before v1.25, and leaves mirrors and newer releases alone', async () => {
    const spec = await example('seed-v1.22-kube-vip');
    const dns = (version: string, imageRepository: string) =>
      parseAllDocuments(renderKubeadmInit(clusterSettings({ ...spec, kubernetesVersion: version, imageRepository }))).map((d) => d.toJS())[1].dns;
    expect(dns('v1.22.0', 'registry.k8s.io')).toEqual({ imageRepository: 'registry.k8s.io/coredns' });
    expect(dns('v1.24.17', 'registry.k8s.io')).toEqual({ imageRepository: 'registry.k8s.io/coredns' });
    expect(dns('v1.25.0', 'registry.k8s.io')).toBeUndefined();
    expect(dns('v1.22.0', 'registry.aliyuncs.com/google_containers')).toBeUndefined();
  });
});

describe('newest release', () => {
  it('runs kube-vip on super-admin.conf during init on the first control plane only', async () => {
    const spec = await example('current-upstream');
    const [k8s01, k8s02] = spec.hosts;
    const volume = (text: string) => parse(text).spec.volumes[0].hostPath.path;
    expect(volume(renderKubeVipManifest(clusterSettings(spec), k8s01!))).toBe('/etc/kubernetes/super-admin.conf');
    expect(volume(renderKubeVipManifest(clusterSettings(spec), k8s01!, { afterInit: true }))).toBe('/etc/kubernetes/admin.conf');
    expect(volume(renderKubeVipManifest(clusterSettings(spec), k8s02!))).toBe('/etc/kubernetes/admin.conf');
  });
});
