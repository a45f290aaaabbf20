/**
 * What the simulator does differently per Kubernetes release: super-admin.conf from v1.29, the
 * etcd image per release (init, and the switch `kubeadm upgrade` makes), packages for every
 * release in kubeha's table. Runs against a temporary host root (KUBEHA_SIM_ROOT).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { etcdImageFor, upgradeEtcdManifest } from '../../lab/sim/kubeadm/etcd-version';
import { MANIFESTS_DIR, renderEtcdManifest, writeControlPlaneKubeconfigs, writeManifest } from '../../lab/sim/kubeadm/files';
import type { LabConfig } from '../../lab/layout';
import { HOST_IDENTITY_FILE, labPaths } from '../../lab/layout';
import { initSimHost } from '../../lab/sim/install';
import { createSharedCas } from '../../lab/sim/pki';

const SIM = path.join(__dirname, '..', '..', 'dist', 'lab', 'sim');
let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'kubeha-sim-versions-'));
  process.env.KUBEHA_SIM_ROOT = root;
  mkdirSync(path.join(root, 'etc/kubernetes/pki'), { recursive: true });
  mkdirSync(path.join(root, 'etc/kubeha-lab'), { recursive: true });
});
afterEach(() => {
  delete process.env.KUBEHA_SIM_ROOT;
  rmSync(root, { recursive: true, force: true });
});

const subjectOf = (kubeconfig: string) => {
  const text = readFileSync(path.join(root, 'etc/kubernetes', kubeconfig), 'utf8');
  const cert = Buffer.from(/client-certificate-data: (\S+)/.exec(text)![1]!, 'base64').toString();
  return spawnSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], { input: cert, encoding: 'utf8' }).stdout.trim();
};

describe('kubeadm init kubeconfigs', () => {
  const write = async (kubernetesVersion: string) => {
    await createSharedCas(path.join(root, 'etc/kubernetes/pki'));
    return writeControlPlaneKubeconfigs({ nodeName: 'cp1', clusterName: 'kubernetes', endpointUrl: 'https://127.0.61.10:6443', localUrl: 'https://127.0.61.11:6443', kubernetesVersion });
  };

  it('v1.28 writes no super-admin.conf, and its admin.conf is system:masters', async () => {
    expect(await write('v1.28.15')).not.toContain('super-admin.conf');
    expect(existsSync(path.join(root, 'etc/kubernetes/super-admin.conf'))).toBe(false);
    expect(subjectOf('admin.conf')).toBe('subject=CN=kubernetes-admin,O=system:masters');
  });

  it('v1.29 writes super-admin.conf (system:masters) and an admin.conf in kubeadm:cluster-admins', async () => {
    expect(await write('v1.29.0')).toContain('super-admin.conf');
    expect(subjectOf('super-admin.conf')).toBe('subject=CN=kubernetes-super-admin,O=system:masters');
    expect(subjectOf('admin.conf')).toBe('subject=CN=kubernetes-admin,O=kubeadm:cluster-admins');
  });
});

describe('stacked etcd image per release', () => {
  const image = () => /image: (\S+)/.exec(readFileSync(path.join(root, MANIFESTS_DIR, 'etcd.yaml'), 'utf8'))![1];
  const manifest = (kubernetesVersion: string) =>
    writeManifest('etcd', renderEtcdManifest({ nodeName: 'cp1', address: '127.0.61.11', initialCluster: 'cp1=https://127.0.61.11:2380', existing: false, image: etcdImageFor(kubernetesVersion) }));

  it('init writes the release\'s etcd', () => {
    manifest('v1.22.0');
    expect(image()).toBe('registry.k8s.io/etcd:3.5.0-0');
    manifest('v1.37.1');
    expect(image()).toBe('registry.k8s.io/etcd:3.6.9-0');
  });

  it('an upgrade moves etcd to the target release\'s, never back, and leaves a host without etcd alone', () => {
    manifest('v1.30.2');
    expect(upgradeEtcdManifest('v1.30.3')).toBeUndefined();
    expect(upgradeEtcdManifest('v1.31.1')).toBe('registry.k8s.io/etcd:3.5.15-0');
    expect(image()).toBe('registry.k8s.io/etcd:3.5.15-0');
    expect(upgradeEtcdManifest('v1.30.2')).toBeUndefined();
    expect(image()).toBe('registry.k8s.io/etcd:3.5.15-0');
    rmSync(path.join(root, MANIFESTS_DIR, 'etcd.yaml'));
    expect(upgradeEtcdManifest('v1.32.0')).toBeUndefined();
    expect(readdirSync(path.join(root, MANIFESTS_DIR))).toEqual([]);
  });
});

describe('packages for every release', () => {
  const labDir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-sim-versions-lab-'));
  const host = { name: 'cp1', address: '127.0.61.11', role: 'control-plane' as const };
  const hostRoot = labPaths(labDir).hostPrivate(host.name, '/').replace(/\/$/, '');
  const config: LabConfig = {
    dir: labDir, timeScale: 3600, latencyScale: 1, loadBalancer: 'kube-vip', vip: '127.0.61.10', apiServerPort: 6443, kubernetesVersion: 'v1.30.2', hosts: [host],
  };
  beforeAll(async () => {
    writeFileSync(labPaths(labDir).config, JSON.stringify(config));
    mkdirSync(path.dirname(path.join(hostRoot, HOST_IDENTITY_FILE)), { recursive: true });
    writeFileSync(path.join(hostRoot, HOST_IDENTITY_FILE), JSON.stringify({ name: host.name, address: host.address, labDir }));
    await initSimHost(config, host);
  });
  afterAll(() => rmSync(labDir, { recursive: true, force: true }));

  const sim = (cmd: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(SIM, `${cmd}.js`), ...args], { env: { ...process.env, KUBEHA_SIM_ROOT: hostRoot }, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it.each(['1.22.0', '1.30.3', '1.37.1'])('apt-get installs %s and kubeadm, kubelet and kubectl report it', (v) => {
    if (!existsSync(path.join(SIM, 'apt-get.js'))) throw new Error(`${SIM}/apt-get.js is missing: run \`npm run build\` first`);
    expect(sim('apt-get', 'install', '-y', `kubeadm=${v}-1.1`, `kubelet=${v}-1.1`, `kubectl=${v}-1.1`).code).toBe(0);
    expect(sim('kubeadm', 'version', '-o', 'short').stdout).toBe(`v${v}\n`);
    expect(sim('kubelet', '--version').stdout).toBe(`Kubernetes v${v}\n`);
  });

  it('has nothing outside the table', () => {
    expect(sim('apt-get', 'install', '-y', 'kubeadm=1.21.14-1.1').stderr).toBe("E: Version '1.21.14-1.1' for 'kubeadm' was not found\n");
    expect(sim('apt-get', 'install', '-y', 'kubeadm=1.38.0-1.1').code).toBe(100);
  });
});
