import { createActivities } from '../../../src/activities';
import { busyPorts, evaluatePreflight } from '../../../src/activities/preflight';
import { silentLogger } from '../../../src/logging';
import { parseSections } from '../../../src/remote/sections';
import type { RunOptions, SshRunner } from '../../../src/ssh/pool';
import { FakeSsh, ok } from './fake-ssh';
import { CLUSTER, CP1, W1 } from './settings';

const SS = [
  'LISTEN 0      4096      10.0.0.11:2379       0.0.0.0:*',
  'LISTEN 0      4096        0.0.0.0:10250      0.0.0.0:*',
  'LISTEN 0      128       10.0.0.99:6443       0.0.0.0:*',
  'LISTEN 0      128            [::]:10259         [::]:*',
  'LISTEN 0      128       127.0.0.1:10257      0.0.0.0:*',
].join('\n');

function sections(overrides: Record<string, [string, number]> = {}): string {
  const base: Record<string, [string, number]> = {
    uid: ['0', 0],
    swap: ['', 0],
    sysctl: ['1\n1', 0],
    cri: ['', 0],
    kubeadm: ['v1.31.2', 0],
    kubelet: ['Kubernetes v1.31.2', 0],
    kubectl: ['{"clientVersion":{"gitVersion":"v1.31.2"}}', 0],
    crictl: ['{"config":{"containerd":{"runtimes":{"runc":{"options":{"SystemdCgroup":true}}}}}}', 0],
    hostname: ['cp1', 0],
    macs: ['eth0 52:54:00:12:34:56', 0],
    uuid: ['4C4C4544-0042-3510-8052-B4C04F4E3132', 0],
    ports: ['', 0],
    ...overrides,
  };
  return Object.entries(base).map(([name, [out, code]]) => `${out}\n\n@@${name} ${code}`).join('\n');
}

describe('preflight evaluation', () => {
  it('finds no problem on a prepared host and collects its facts', () => {
    const result = evaluatePreflight(CLUSTER, CP1, parseSections(sections()), 12);
    expect(result.problems).toEqual([]);
    expect(result.facts).toEqual({
      hostname: 'cp1',
      macAddresses: ['52:54:00:12:34:56'],
      productUuid: '4c4c4544-0042-3510-8052-b4c04f4e3132',
      clockOffsetMs: 12,
      kubeadmVersion: 'v1.31.2',
      kubeletVersion: 'v1.31.2',
    });
  });

  it('names every problem of an unprepared host and the fixes that apply', () => {
    const result = evaluatePreflight(
      CLUSTER,
      CP1,
      parseSections(
        sections({
          swap: ['/swap.img file 2G 0B -2', 0],
          sysctl: ['0\n', 1],
          cri: ['', 1],
          kubelet: ['Kubernetes v1.30.5', 0],
          crictl: ['{"SystemdCgroup": false}', 0],
          hostname: ['node-7', 0],
          ports: [SS, 0],
        }),
      ),
      5000,
    );
    expect(result.problems.map((p) => p.check)).toEqual([
      'Swap',
      'FileContent--proc-sys-net-ipv4-ip_forward',
      'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables',
      'CRI',
      'kubelet-version',
      'CgroupDriver',
      'Hostname',
      'Port-2379',
      'Port-10250',
      'Port-10259',
    ]);
    expect(result.fixes).toEqual({ swap: true, modules: true, sysctl: true });
  });

  it('loads br_netfilter only when the bridge sysctl is missing (the kernel has it only with the module loaded)', () => {
    const loaded = evaluatePreflight(CLUSTER, CP1, parseSections(sections({ sysctl: ['1\n0', 0] })), 0);
    expect(loaded.problems).toEqual([{ check: 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', message: '/proc/sys/net/bridge/bridge-nf-call-iptables contents are not set to 1' }]);
    expect(loaded.fixes).toEqual({ swap: false, modules: false, sysctl: true });
    const missing = evaluatePreflight(CLUSTER, CP1, parseSections(sections({ sysctl: ['1\n', 0] })), 0);
    expect(missing.problems.map((p) => p.message)).toEqual(['/proc/sys/net/bridge/bridge-nf-call-iptables does not exist (load br_netfilter)']);
    expect(missing.fixes).toEqual({ swap: false, modules: true, sysctl: true });
  });

  it('checks only the kubelet port on workers and reports a failing sudo', () => {
    const result = evaluatePreflight(CLUSTER, { ...W1, ssh: { ...W1.ssh, user: 'ubuntu', sudo: true } }, parseSections(sections({ uid: ['sudo: a password is required', 1], hostname: ['w1', 0], ports: [SS, 0] })), 0);
    expect(result.problems.map((p) => p.check)).toEqual(['IsPrivilegedUser', 'Port-10250']);
    expect(result.problems[0]?.message).toContain('passwordless sudo');
  });

  it('treats wildcard listeners as busy and other addresses as free', () => {
    expect(busyPorts(SS, '10.0.0.11', [6443, 2379, 10250, 10257, 10259])).toEqual([2379, 10250, 10259]);
  });
});

describe('preflight activity', () => {
  const NOW = 1_700_000_000_000;
  const swapOn = sections({ clock: [String(NOW), 0], swap: ['/swap.img file 2G 0B -2', 0], sysctl: ['0\n', 0], hostname: ['w1', 0] });
  const fixedFacts = ['', '@@swap 0', '1', '1', '@@sysctl 0'].join('\n');

  it('fixes what it can in one command that reads back what it changed, keeping the rest of the first reading', async () => {
    const ssh = new FakeSsh({ 'preflight-facts': () => ok(swapOn), 'preflight-fix': () => ok(fixedFacts) });
    const { preflight } = createActivities({ ssh, logger: silentLogger(), clock: () => NOW });
    const report = await preflight({ cluster: CLUSTER, host: W1, fix: true });
    expect(ssh.calls.map((c) => c.name)).toEqual(['preflight-facts', 'preflight-fix']);
    expect(ssh.calls[1]?.text).toMatch(/swapoff -a\nmodprobe br_netfilter\nsysctl -w net\.ipv4\.ip_forward=1 net\.bridge\.bridge-nf-call-iptables=1 >\/dev\/null\nset \+e\n/);
    expect(report.problems).toEqual([]);
    expect(report.fixed).toEqual(['swapoff -a', 'modprobe br_netfilter', 'sysctl -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1']);
    expect(report.facts.kubeletVersion).toBe('v1.31.2');
  });

  it('reports what a fix did not change as a problem', async () => {
    const stillOn = fixedFacts.replace('@@swap 0', '/swap.img file 2G 0B -2\n@@swap 0');
    const ssh = new FakeSsh({ 'preflight-facts': () => ok(swapOn), 'preflight-fix': () => ok(stillOn) });
    const { preflight } = createActivities({ ssh, logger: silentLogger(), clock: () => NOW });
    const report = await preflight({ cluster: CLUSTER, host: W1, fix: true });
    expect(report.problems.map((p) => p.check)).toEqual(['Swap']);
  });

  it('reads the clock in the facts command, timed from its send to the clock section, so a slow handshake or a slow rest hides no skew', async () => {
    // The handshake took 500 ms and the rest of the facts 1.5 s; the clock section came 40 ms after the send.
    const times = { asked: 1_000, sent: 1_500, clockSeen: 1_540, answered: 3_000 };
    let now = times.asked;
    const skewMs = 1_200;
    const facts = sections({ clock: [String(1_520 + skewMs), 0], hostname: ['w1', 0] });
    const ssh: SshRunner = {
      async run(_target, script, options: RunOptions = {}) {
        expect(script.name).toBe('preflight-facts');
        expect(script.text.indexOf('date +%s%3N')).toBeLessThan(script.text.indexOf('echo "$EUID"'));
        now = times.sent;
        options.onExec?.();
        now = times.clockSeen;
        options.onOutput?.(`${1_520 + skewMs}\n\n@@clock 0\n`, 'stdout');
        now = times.answered;
        return ok(facts);
      },
      runChecked: () => Promise.reject(new Error('no fix expected')),
      writeFile: () => Promise.reject(new Error('no file expected')),
      close: async () => undefined,
    };
    const { preflight } = createActivities({ ssh, logger: silentLogger(), clock: () => now });
    const report = await preflight({ cluster: CLUSTER, host: W1, fix: false });
    // Only what the 40 ms round trip cannot explain counts; timed over the whole 2 s command it would all be hidden.
    expect(report.facts.clockOffsetMs).toBe(skewMs - 20);
  });
});
