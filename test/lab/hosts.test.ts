import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { labPids, startLab } from '../../lab';
import { HOST_PRIVATE_DIRS, labPaths } from '../../lab/layout';
import { UsageError } from '../../src/client/errors';
import { missingLabPackages } from '../../lab/packages';
import { startTestLab, tcpProbe } from '../helpers/lab';

// Each lab test file uses its own loopback prefix so labs of parallel runs never collide.
const PREFIX = '127.0.31';

describe('lab hosts over real SSH', () => {
  let lab: Awaited<ReturnType<typeof startTestLab>>;

  const machineIpForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');

  beforeAll(async () => {
    lab = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 2, workers: 1, loadBalancer: 'haproxy', name: 'hosts-test' });
  });

  afterAll(async () => {
    await lab?.dispose();
  });

  it('keeps every private directory private: what cp1 writes there, cp2 does not see', async () => {
    const dirs = HOST_PRIVATE_DIRS.filter((d) => !d.startsWith('/sys/'));
    // kubeha renders its kubeadm files into /etc/kubeha: shared, two parallel joins read each other's config.
    expect(dirs).toContain('/etc/kubeha');
    const marks = dirs.map((d) => `${d}/privacy-marker`).join(' ');
    expect((await lab.host('cp1').run(`touch ${marks}`)).code).toBe(0);
    const seen = await lab.host('cp2').run(`ls ${marks} 2>/dev/null | wc -l`);
    expect(seen.stdout.trim()).toBe('0');
    expect((await lab.host('cp1').run(`rm ${marks}`)).code).toBe(0);
  });

  it('gives each host its own name, /etc/kubernetes, product_uuid and MAC', async () => {
    const write = await lab.host('cp1').run('mkdir -p /etc/kubernetes/pki && echo one > /etc/kubernetes/marker && hostname');
    expect(write).toMatchObject({ code: 0, stdout: 'cp1\n' });
    const cp2 = await lab.host('cp2').run('hostname; ls -A /etc/kubernetes; cat /sys/class/dmi/id/product_uuid /sys/class/net/eth0/address');
    expect(cp2.code).toBe(0);
    const [name, ...rest] = cp2.stdout.trim().split('\n');
    expect(name).toBe('cp2');
    expect(rest).toHaveLength(2); // /etc/kubernetes is empty on cp2
    const cp1 = await lab.host('cp1').run('cat /etc/kubernetes/marker /sys/class/dmi/id/product_uuid /sys/class/net/eth0/address');
    const [marker, uuid1, mac1] = cp1.stdout.trim().split('\n');
    expect(marker).toBe('one');
    expect(uuid1).not.toBe(rest[0]);
    expect(mac1).not.toBe(rest[1]);
    expect(mac1).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  });

  it('shows its own /proc/swaps and /proc/sys/net, which follow swapoff, modprobe and sysctl -w', async () => {
    const view = 'cat /proc/swaps; ls /proc/sys/net; cat /proc/sys/net/ipv4/ip_forward; cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>&1';
    const before = await lab.host('w1').run(view);
    expect(before.stdout).toMatch(/^Filename\t+Type\t+Size\t+Used\t+Priority\n\/swap\.img +file\t\t2097148\t\t0\t\t-2\ncore\nipv4\n0\ncat: \/proc\/sys\/net\/bridge\/bridge-nf-call-iptables: No such file or directory\n$/);
    expect((await lab.host('w1').run('swapoff -a && modprobe br_netfilter && sysctl -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 >/dev/null')).code).toBe(0);
    const after = await lab.host('w1').run(view);
    expect(after.stdout).toBe('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\nbridge\ncore\nipv4\n1\n1\n');
    // Only what changed is written again: a module's removal takes its files, the rest stays.
    expect((await lab.host('w1').run('swapoff -a && modprobe -r br_netfilter')).code).toBe(0);
    const unloaded = await lab.host('w1').run(view);
    expect(unloaded.stdout).toBe('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\ncore\nipv4\n1\ncat: /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory\n');
    // Another host's kernel is untouched, and so is the machine's own.
    expect((await lab.host('cp1').run('cat /proc/sys/net/ipv4/ip_forward; ls /proc/sys/net/bridge 2>/dev/null | wc -l')).stdout).toBe('0\n0\n');
    expect(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8')).toBe(machineIpForward);
  });

  it('has its Debian packages', async () => {
    expect(await missingLabPackages()).toEqual([]);
  });

  it('writes a cluster.yaml for exactly these hosts, lifetimes scaled by the time scale', async () => {
    const doc = parse(readFileSync(labPaths(lab.dir).clusterSpec, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(doc).toMatchObject({ apiVersion: 'kubeha.io/v1alpha1', kind: 'Cluster', metadata: { name: 'hosts-test' } });
    expect(doc.spec).toMatchObject({
      kubernetesVersion: 'v1.30.2',
      controlPlaneEndpoint: `${PREFIX}.10:6443`,
      loadBalancer: { type: 'haproxy-keepalived', vip: `${PREFIX}.10`, interface: 'eth0' },
      certificateKey: { ttl: '2000ms', renewBefore: '250ms' },
      joinToken: { ttl: '24000ms', renewBefore: '1000ms' },
      ssh: { user: 'root', port: 22, privateKey: labPaths(lab.dir).privateKey, knownHosts: labPaths(lab.dir).knownHosts },
    });
    expect(doc.spec.hosts).toEqual([
      { name: 'lb1', address: `${PREFIX}.9`, role: 'load-balancer' },
      { name: 'cp1', address: `${PREFIX}.11`, role: 'control-plane' },
      { name: 'cp2', address: `${PREFIX}.12`, role: 'control-plane' },
      { name: 'w1', address: `${PREFIX}.13`, role: 'worker' },
    ]);
    const knownHosts = readFileSync(labPaths(lab.dir).knownHosts, 'utf8').trim().split('\n');
    expect(knownHosts.map((l) => l.split(' ')[0])).toEqual([`${PREFIX}.9`, `${PREFIX}.11`, `${PREFIX}.12`, `${PREFIX}.13`]);
    expect(await lab.host('lb1').run('hostname')).toMatchObject({ code: 0, stdout: 'lb1\n' });
  });

  it('puts the simulated node software first on root PATH and shows the identity file', async () => {
    const r = await lab.host('w1').run('echo $PATH; cat /etc/kubeha-lab/host.json');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^\/usr\/local\/sbin:/);
    expect(JSON.parse(r.stdout.split('\n').slice(1).join('\n'))).toEqual({ name: 'w1', address: `${PREFIX}.13`, labDir: lab.dir });
  });

  it('refuses a host whose key does not match known_hosts', async () => {
    const paths = labPaths(lab.dir);
    const lines = readFileSync(paths.knownHosts, 'utf8').trim().split('\n');
    const cp1Key = lines.find((l) => l.startsWith(`${PREFIX}.11 `))!.split(' ').slice(1).join(' ');
    const wrong = lines.map((l) => (l.startsWith(`${PREFIX}.12 `) ? `${PREFIX}.12 ${cp1Key}` : l));
    const wrongFile = `${lab.dir}/known_hosts.wrong`;
    writeFileSync(wrongFile, `${wrong.join('\n')}\n`);
    const r = await lab.host('cp2').run('true', { knownHosts: wrongFile });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('stop refuses connections; restart answers again with the same files', async () => {
    const cp2 = lab.host('cp2');
    await cp2.stop();
    expect(cp2.state()).toBe('stopped');
    expect(await tcpProbe(cp2.host.address, 22)).toBe('refused');
    const refused = await cp2.run('true');
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Connection refused/);
    await cp2.restart();
    expect(cp2.state()).toBe('up');
    const r = await cp2.run('hostname; cat /sys/class/net/eth0/address');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('cp2');
  });

  it('freeze makes connections time out; thaw answers again', async () => {
    const w1 = lab.host('w1');
    await w1.freeze();
    expect(w1.state()).toBe('frozen');
    const frozen = await w1.run('true', { connectTimeoutSeconds: 1, timeoutMs: 5_000 });
    expect(frozen.code).toBe(255);
    expect(frozen.stderr).toMatch(/timed out/i);
    await w1.thaw();
    expect(w1.state()).toBe('up');
    expect(await w1.run('echo ok')).toMatchObject({ code: 0, stdout: 'ok\n' });
  });

  it('drops SSH connections mid-command without killing the listener', async () => {
    const cp1 = lab.host('cp1');
    const long = cp1.run('sleep 30; echo finished', { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 500));
    expect(cp1.dropConnections()).toBeGreaterThan(0);
    const r = await long;
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(255);
    expect(r.stdout).not.toContain('finished');
    expect(await cp1.run('echo back')).toMatchObject({ code: 0, stdout: 'back\n' });
  });

  it('refuses to start a second lab on addresses this one uses, naming them', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'kubeha-lab-other-'));
    try {
      const err = await startLab({ dir: other, addressPrefix: PREFIX, controlPlanes: 1, workers: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toBe(`lab addresses already in use: ${PREFIX}.11:22`);
      expect((err as UsageError).hint).toContain(`kubeha lab down --dir ${lab.dir}`);
      expect(labPids(other).size).toBe(0);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('stop() leaves no process and no listener behind', async () => {
    const hosts = lab.config.hosts;
    expect(labPids(lab.dir).size).toBe(hosts.length);
    await lab.stop();
    expect(labPids(lab.dir).size).toBe(0);
    for (const host of hosts) expect(await tcpProbe(host.address, 22)).toBe('refused');
  });
});
