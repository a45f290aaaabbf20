import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { workerManifest, workerSsh, type WorkerFiles } from '../../../src/activities/worker-files';
import type { SshSpec } from '../../../src/spec/types';
import { createActivities } from '../../../src/activities';
import { silentLogger } from '../../../src/logging';
import { FakeSsh, ok } from './fake-ssh';
import { CLUSTER, CP1 } from './settings';

const root = mkdtempSync(path.join(tmpdir(), 'kubeha-worker-files-'));
const keys = path.join(root, 'keys');
const manifests = path.join(root, 'manifests');
mkdirSync(keys);
mkdirSync(manifests);
writeFileSync(path.join(keys, 'id_ed25519'), 'key');
writeFileSync(path.join(root, 'codec.key'), 'secret');
writeFileSync(path.join(manifests, 'calico.yaml'), 'kind: List');
symlinkSync(path.join(root, 'codec.key'), path.join(manifests, 'escape.yaml'));

const files: WorkerFiles = { sshKeyDir: keys, knownHosts: path.join(root, 'known_hosts'), acceptNewHostKeys: false, manifestDir: manifests };
const ssh: SshSpec = { user: 'root', port: 22, privateKey: 'id_ed25519', knownHosts: '/spec/chose/this', acceptNewHostKeys: true, sudo: false, connectTimeoutMs: 5_000 };

it("maps the spec's key name to the worker's key directory and uses the worker's known_hosts and host-key policy", () => {
  expect(workerSsh(files, ssh)).toEqual({ ...ssh, privateKey: path.join(keys, 'id_ed25519'), knownHosts: files.knownHosts, acceptNewHostKeys: false });
  expect(workerSsh(files, { ...ssh, privateKey: path.join(keys, 'id_ed25519') }).privateKey).toBe(path.join(keys, 'id_ed25519'));
  expect(workerSsh({ ...files, acceptNewHostKeys: true }, { ...ssh, acceptNewHostKeys: false }).acceptNewHostKeys).toBe(false);
});

it('refuses any key outside the key directory, by .. or absolute path, as InvalidSpec', () => {
  for (const privateKey of ['../codec.key', path.join(root, 'codec.key'), 'missing']) {
    expect(() => workerSsh(files, { ...ssh, privateKey })).toThrow(expect.objectContaining({ type: 'InvalidSpec', nonRetryable: true }));
  }
});

it('reads CNI manifests only from the manifest directory (realpath: a symlink cannot lead out), and none without one', () => {
  expect(workerManifest(files, 'calico.yaml')).toBe(path.join(manifests, 'calico.yaml'));
  expect(() => workerManifest(files, 'escape.yaml')).toThrow(/outside/);
  expect(() => workerManifest(files, path.join(root, 'codec.key'))).toThrow(/outside/);
  expect(() => workerManifest({ ...files, manifestDir: undefined }, 'calico.yaml')).toThrow(/--manifest-dir/);
});

describe('applyCni with a manifest file', () => {
  const digest = createHash('sha256').update('kind: List').digest('hex');
  const cluster = (cniSha256?: string) => ({ ...CLUSTER, networking: { ...CLUSTER.networking, cni: 'calico.yaml', ...(cniSha256 ? { cniSha256 } : {}) } });

  it('applies it only when its sha256 matches the spec, after reading it from the manifest directory', async () => {
    const ssh = new FakeSsh({ 'kubectl-apply-cni': () => ok('daemonset.apps/calico-node created\n') });
    const acts = createActivities({ ssh, logger: silentLogger(), files: { ...files, sshKeyDir: keys } });
    await expect(acts.applyCni({ cluster: cluster(digest), host: { ...CP1, ssh: { ...CP1.ssh, privateKey: 'id_ed25519' } } })).resolves.toEqual({ changed: true });
    expect(ssh.files.get('cp1:/etc/kubeha/cni.yaml')?.content).toBe('kind: List');
  });

  it('refuses a manifest whose digest differs, or that has none, without sending it', async () => {
    for (const sha of ['f'.repeat(64), undefined]) {
      const ssh = new FakeSsh({});
      const acts = createActivities({ ssh, logger: silentLogger(), files });
      await expect(acts.applyCni({ cluster: cluster(sha), host: { ...CP1, ssh: { ...CP1.ssh, privateKey: 'id_ed25519' } } })).rejects.toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
      expect(ssh.calls).toEqual([]);
    }
  });
});
