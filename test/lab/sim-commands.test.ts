/**
 * Simulated node commands run as the compiled scripts a lab host executes, against a temporary
 * host root (KUBEHA_SIM_ROOT) instead of a namespace: machine state, preflight, faults, kubectl.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { failNext, readFaults } from '../../lab/faults';
import type { LabConfig } from '../../lab/layout';
import { HOST_IDENTITY_FILE, labPaths } from '../../lab/layout';
import { initSimHost } from '../../lab/sim/install';
import { readStore } from '../../lab/sim/store';

const SIM = path.join(__dirname, '..', '..', 'dist', 'lab', 'sim');
const labDir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-sim-cmd-'));
const host = { name: 'cp1', address: '127.0.46.11', role: 'control-plane' as const };
const root = labPaths(labDir).hostPrivate(host.name, '/').replace(/\/$/, '');
const config: LabConfig = {
  dir: labDir, timeScale: 3600, latencyScale: 1, loadBalancer: 'kube-vip', vip: '127.0.46.10', apiServerPort: 6443, kubernetesVersion: 'v1.30.2', hosts: [host],
};

function sim(cmd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(SIM, `${cmd}.js`), ...args], { env: { ...process.env, KUBEHA_SIM_ROOT: root, HOME: path.join(root, 'root') }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  if (!existsSync(path.join(SIM, 'kubeadm.js'))) throw new Error(`${SIM}/kubeadm.js is missing: run \`npx tsc -p tsconfig.build.json\` first`);
  writeFileSync(labPaths(labDir).config, JSON.stringify(config));
  mkdirSync(path.dirname(path.join(root, HOST_IDENTITY_FILE)), { recursive: true });
  writeFileSync(path.join(root, HOST_IDENTITY_FILE), JSON.stringify({ name: host.name, address: host.address, labDir }));
  await initSimHost(config, host);
});

test('a fresh machine has swap on and no br_netfilter; the fixes kubeadm asks for work', () => {
  expect(sim('swapon', '--show', '--noheadings').stdout).toBe('/swap.img file   2G   0B   -2\n');
  const before = sim('sysctl', '-n', 'net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables');
  expect(before.code).toBe(255);
  expect(before.stdout).toBe('0\n');
  expect(before.stderr).toContain('sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory');
  expect(sim('swapoff', '-a').code).toBe(0);
  expect(sim('modprobe', 'br_netfilter').code).toBe(0);
  expect(sim('sysctl', '-w', 'net.ipv4.ip_forward=1', 'net.bridge.bridge-nf-call-iptables=1').stdout).toBe('net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n');
  expect(sim('swapon', '--show', '--noheadings').stdout).toBe('');
  expect(sim('sysctl', '-n', 'net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables').stdout).toBe('1\n1\n');
  expect(sim('lsmod').stdout.split('\n').map((l) => l.split(/\s+/)[0])).toContain('br_netfilter');
  expect(sim('modprobe', 'nosuchmod').stderr).toContain('modprobe: FATAL: Module nosuchmod not found');
});

test('kubeadm preflight: containerd missing is fatal in kubeadm\'s format; systemctl brings it back', async () => {
  expect(sim('systemctl', 'stop', 'containerd').code).toBe(0);
  const inactive = sim('systemctl', 'is-active', 'containerd');
  expect([inactive.code, inactive.stdout]).toEqual([3, 'inactive\n']);
  const r = sim('kubeadm', 'init', '--ignore-preflight-errors=Port-6443');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error execution phase preflight: \[preflight\] Some fatal errors occurred:\n\t\[ERROR CRI\]: container runtime is not running/);
  expect(r.stderr).toContain('[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`');
  expect(sim('systemctl', 'enable', '--now', 'containerd').code).toBe(0);
  expect(sim('systemctl', 'is-active', 'containerd').stdout).toBe('active\n');
  const unknown = sim('systemctl', 'start', 'nginx');
  expect([unknown.code, unknown.stderr.trim()]).toEqual([5, 'Failed to start nginx.service: Unit nginx.service not found.']);
});

test("kubeadm's port check binds each port: one a process holds is in use, the kubelet holds 10250 while it runs, free ports pass", async () => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(10259, host.address, resolve));
  try {
    const held = sim('kubeadm', 'init');
    expect(held.code).toBe(1);
    expect(held.stderr).toContain('\t[ERROR Port-10259]: Port 10259 is in use');
    expect(held.stderr).not.toMatch(/Port-(6443|10257|10250|2379|2380)\]/);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
  expect(sim('systemctl', 'start', 'kubelet').code).toBe(0);
  try {
    const kubelet = sim('kubeadm', 'init');
    expect(kubelet.code).toBe(1);
    expect(kubelet.stderr).toContain('\t[ERROR Port-10250]: Port 10250 is in use');
    expect(kubelet.stderr).not.toContain('Port-10259');
  } finally {
    expect(sim('systemctl', 'stop', 'kubelet').code).toBe(0);
  }
});

test('a fail-next fault fails exactly the next N matching runs on that host, then is gone', async () => {
  await failNext(labDir, { host: 'cp1', command: 'kubeadm version', count: 2, message: 'injected failure', exitCode: 42 });
  await failNext(labDir, { host: 'cp2', command: 'kubeadm version', count: 1, message: 'other host', exitCode: 7 });
  for (let i = 0; i < 2; i++) {
    const r = sim('kubeadm', 'version', '-o', 'short');
    expect([r.code, r.stderr]).toEqual([42, 'injected failure\n']);
  }
  expect(sim('kubeadm', 'version', '-o', 'short')).toEqual({ code: 0, stdout: 'v1.30.2\n', stderr: '' });
  expect(readFaults(labDir).failNext.map((f) => f.host)).toEqual(['cp2']);
});

test('apt-get installs pinned versions, apt-mark hold blocks changes, versions show in kubeadm', () => {
  expect(sim('apt-mark', 'hold', 'kubeadm').stdout).toBe('kubeadm set on hold.\n');
  const held = sim('apt-get', 'install', '-y', 'kubeadm=1.31.1-1.1');
  expect(held.code).toBe(100);
  expect(held.stderr).toContain('Held packages were changed');
  expect(sim('apt-mark', 'unhold', 'kubeadm').stdout).toBe('Canceled hold on kubeadm.\n');
  expect(sim('apt-get', 'install', '-y', 'kubeadm=1.31.1-1.1').code).toBe(0);
  expect(sim('kubeadm', 'version', '-o', 'short').stdout).toBe('v1.31.1\n');
  expect(sim('apt-get', 'install', '-y', 'kubeadm=9.9.9-1.1').stderr).toBe("E: Version '9.9.9-1.1' for 'kubeadm' was not found\n");
});

test('kubectl against a server nobody listens on prints kubectl\'s refusal', () => {
  const kubeconfig = path.join(root, 'etc', 'kubernetes', 'admin.conf');
  mkdirSync(path.dirname(kubeconfig), { recursive: true });
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://127.0.46.10:6443\n  name: kubernetes\n');
  const r = sim('kubectl', 'get', 'nodes');
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('The connection to the server 127.0.46.10:6443 was refused - did you specify the right host or port?\n');
});

test('kubeadm token create needs an admin kubeconfig whose API server answers; unknown commands are named', () => {
  expect(sim('kubeadm', 'token', 'create', '--kubeconfig', '/etc/kubernetes/nope.conf').stderr).toBe('failed to load admin kubeconfig: open /etc/kubernetes/nope.conf: no such file or directory\nTo see the stack trace of this error execute with --v=5 or higher\n');
  // admin.conf (written above) names 127.0.46.10:6443, where nothing listens.
  expect(sim('kubeadm', 'token', 'create').stderr).toContain('dial tcp 127.0.46.10:6443: connect: connection refused');
  expect(sim('kubeadm', 'frobnicate').stderr).toContain('unknown command "frobnicate" for "kubeadm"');
  expect(sim('kubeadm', 'certs', 'certificate-key').stdout).toMatch(/^[0-9a-f]{64}\n$/);
});

test('systemctl runs the real HAProxy after `haproxy -c` accepts the config, and refuses a broken one', async () => {
  const cfg = path.join(root, 'etc', 'haproxy', 'haproxy.cfg');
  mkdirSync(path.dirname(cfg), { recursive: true });
  writeFileSync(cfg, 'global\n    log stderr format raw local0\ndefaults\n    mode tcp\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\nfrontend apiserver\n    bind 127.0.46.9:16443\n    default_backend be\nbackend be\n    server cp1 127.0.46.11:6443 check\n');
  expect(sim('systemctl', 'enable', '--now', 'haproxy').code).toBe(0);
  try {
    expect(sim('systemctl', 'is-active', 'haproxy').stdout).toBe('active\n');
    expect(await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.46.9', port: 16443 });
      s.once('connect', () => (s.destroy(), resolve('listening')));
      s.once('error', (e: Error) => resolve(e.message));
    })).toBe('listening');
  } finally {
    expect(sim('systemctl', 'stop', 'haproxy').code).toBe(0);
  }
  expect(sim('systemctl', 'is-active', 'haproxy').stdout).toBe('inactive\n');
  writeFileSync(cfg, 'frontend broken\n    bind 127.0.46.9:16443\n    frobnicate yes\n');
  const r = sim('systemctl', 'restart', 'haproxy');
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('Job for haproxy.service failed because the control process exited with error code.');
  expect(r.stderr).toContain('frobnicate');
});

test('kubectl apply -f records the CNI from a manifest\'s content, whatever the file is called', async () => {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(6443, '127.0.46.10', resolve));
  try {
    const manifest = path.join(root, 'etc', 'kubeha', 'cni.yaml');
    mkdirSync(path.dirname(manifest), { recursive: true });
    writeFileSync(manifest, 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: calico-node\n  namespace: kube-system\n');
    const r = sim('kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', 'apply', '-f', '/etc/kubeha/cni.yaml');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('daemonset.apps/calico-node created');
    expect(readStore(labDir).cni?.name).toBe('calico');
    const missing = sim('kubectl', 'apply', '-f', '/etc/kubeha/nope.yaml');
    expect([missing.code, missing.stderr]).toEqual([1, 'error: the path "/etc/kubeha/nope.yaml" does not exist\n']);
  } finally {
    server.close();
  }
});

test('a command whose stdout is a closed pipe dies at its first write with 141, before doing anything else', () => {
  const manifest = path.join(root, 'etc', 'kubernetes', 'manifests', 'kube-apiserver.yaml');
  mkdirSync(path.dirname(manifest), { recursive: true });
  writeFileSync(manifest, 'kind: Pod\n');
  // `true` has exited (the reader is gone) by the time kubeadm prints "[preflight] Running pre-flight checks".
  const script = `(sleep 0.3; exec ${process.execPath} ${path.join(SIM, 'kubeadm.js')} reset -f) | true; echo "\${PIPESTATUS[0]}"`;
  const r = spawnSync('bash', ['-c', script], { env: { ...process.env, KUBEHA_SIM_ROOT: root }, encoding: 'utf8' });
  expect(r.stdout).toBe('141\n');
  expect(r.stderr).toBe('');
  expect(existsSync(manifest)).toBe(true);
});

test('kubeadm reset of a control plane without an etcd manifest says the etcd member it may have announced stays', () => {
  const manifest = path.join(root, 'etc', 'kubernetes', 'manifests', 'kube-apiserver.yaml');
  mkdirSync(path.dirname(manifest), { recursive: true });
  writeFileSync(manifest, 'kind: Pod\n');
  const r = sim('kubeadm', 'reset', '-f');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('[reset] No etcd config found. Assuming external etcd\n[reset] Please, manually reset etcd to prevent further issues\n');
  expect(existsSync(manifest)).toBe(false);
});

test("kubeadm reset -f of a worker prints kubeadm's lines: the etcd data directory from its defaults, the kubelet stopped (not disabled), the directories and files it deletes", () => {
  for (const f of ['etc/kubernetes/kubelet.conf', 'var/lib/kubelet/config.yaml', 'etc/kubernetes/pki/ca.crt']) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), 'x');
  }
  expect(sim('systemctl', 'enable', 'kubelet').code).toBe(0);
  const r = sim('kubeadm', 'reset', '-f');
  expect(r.code).toBe(0);
  expect(sim('systemctl', 'is-enabled', 'kubelet').stdout).toBe('enabled\n');
  expect(r.stderr).toMatch(/^W\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ removeetcdmember\.go:106\] \[reset\] No kubeadm config, using etcd pod spec to get data directory\n$/);
  expect(r.stdout.split('\n').slice(0, 6)).toEqual([
    '[preflight] Running pre-flight checks',
    '[reset] Deleted contents of the etcd data directory: /var/lib/etcd',
    '[reset] Stopping the kubelet service',
    '[reset] Unmounting mounted directories in "/var/lib/kubelet"',
    '[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]',
    '[reset] Deleting files: [/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf]',
  ]);
  expect(['etc/kubernetes/kubelet.conf', 'var/lib/kubelet/config.yaml', 'etc/kubernetes/pki/ca.crt'].map((f) => existsSync(path.join(root, f)))).toEqual([false, false, false]);
});
