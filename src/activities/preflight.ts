/** Facts and problems of one host; the workflow compares facts across hosts (unique names, MACs, UUIDs). */
import { CLOCK_SECTION, preflightFacts, preflightFix } from '../remote/preflight';
import type { PreflightFixes } from '../remote/preflight';
import { parseSections } from '../remote/sections';
import type { Section } from '../remote/sections';
import type { HostSpec } from '../spec/types';
import type { ActivityDeps } from './deps';
import { hostStep } from './step';
import type { ClusterSettings, HostFacts, PreflightInput, PreflightProblem, PreflightReport } from './types';

const CONTROL_PLANE_PORTS = [6443, 2379, 2380, 10250, 10257, 10259];
const WORKER_PORTS = [10250];
/** Clock skew beyond this breaks certificates and etcd leases. */

export function criSocketPath(criSocket: string): string {
  return criSocket.replace(/^unix:\/\//, '');
}

function normalizeVersion(v: string): string {
  return v.trim().replace(/^v/, '');
}

interface Evaluation {
  problems: PreflightProblem[];
  fixes: PreflightFixes;
  facts: HostFacts;
}

/** Ports the host must have free, on its own address or a wildcard. */
export function busyPorts(ssOutput: string, address: string, ports: number[]): number[] {
  const busy = new Set<number>();
  for (const line of ssOutput.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    if (!local) continue;
    const colon = local.lastIndexOf(':');
    const ip = local.slice(0, colon).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const port = Number(local.slice(colon + 1));
    if (ports.includes(port) && (ip === address || ip === '*' || ip === '0.0.0.0' || ip === '::')) busy.add(port);
  }
  return [...busy].sort((a, b) => a - b);
}

export function evaluatePreflight(cluster: ClusterSettings, host: HostSpec, sections: Map<string, Section>, clockOffsetMs: number): Evaluation {
  const problems: PreflightProblem[] = [];
  const fixes: PreflightFixes = { swap: false, modules: false, sysctl: false };
  const get = (name: string): Section => sections.get(name) ?? { output: '', code: 127 };
  const add = (check: string, message: string): void => {
    problems.push({ check, message });
  };

  const uid = get('uid');
  if (uid.code !== 0 || uid.output !== '0') {
    add('IsPrivilegedUser', host.ssh.sudo || host.ssh.user !== 'root'
      ? `commands do not run as root through sudo -n (${uid.output || 'no output'}): allow ${host.ssh.user} passwordless sudo`
      : `user ${host.ssh.user} is not root (uid ${uid.output}): use root or set ssh.sudo: true`);
  }
  const kubeadmVersion = get('kubeadm').code === 0 ? get('kubeadm').output.trim() : '';
  const kubeletVersion = /v\d+\.\d+\.\d+\S*/.exec(get('kubelet').output)?.[0] ?? '';
  // A load-balancer host runs haproxy and keepalived only: the kubelet's requirements do not apply.
  if (host.role !== 'load-balancer') {
    if (get('swap').output !== '') {
      add('Swap', 'running with swap on is not supported. Please disable swap');
      fixes.swap = true;
    }
    const [ipForward, bridge] = get('sysctl').output.split('\n').map((s) => s.trim());
    if (ipForward !== '1') {
      add('FileContent--proc-sys-net-ipv4-ip_forward', '/proc/sys/net/ipv4/ip_forward contents are not set to 1');
      fixes.sysctl = true;
    }
    // The kernel has /proc/sys/net/bridge only while br_netfilter is loaded: its absence is the module's.
    if (!bridge) {
      add('FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', '/proc/sys/net/bridge/bridge-nf-call-iptables does not exist (load br_netfilter)');
      fixes.modules = true;
      fixes.sysctl = true;
    } else if (bridge !== '1') {
      add('FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', '/proc/sys/net/bridge/bridge-nf-call-iptables contents are not set to 1');
      fixes.sysctl = true;
    }
    if (get('cri').code !== 0) add('CRI', `container runtime is not running: socket ${criSocketPath(cluster.criSocket)} not found`);

    const want = normalizeVersion(cluster.kubernetesVersion);
    let kubectlVersion = '';
    try {
      kubectlVersion = (JSON.parse(get('kubectl').output) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? '';
    } catch {
      kubectlVersion = '';
    }
    for (const [tool, version] of [['kubeadm', kubeadmVersion], ['kubelet', kubeletVersion], ['kubectl', kubectlVersion]] as const) {
      if (!version) add(`${tool}-version`, `${tool} is not installed or does not report its version: install ${tool} ${cluster.kubernetesVersion}`);
      else if (normalizeVersion(version) !== want) add(`${tool}-version`, `${tool} is ${version}, the spec asks for ${cluster.kubernetesVersion}`);
    }

    const systemd = /"SystemdCgroup"\s*:\s*(true|false)/.exec(get('crictl').output)?.[1];
    if (systemd !== undefined && (systemd === 'true') !== (cluster.cgroupDriver === 'systemd')) {
      add('CgroupDriver', `the container runtime uses ${systemd === 'true' ? 'systemd' : 'cgroupfs'} cgroups (SystemdCgroup = ${systemd}) but the spec's cgroupDriver is ${cluster.cgroupDriver}: make them agree`);
    }
  }

  const hostname = get('hostname').output.trim();
  if (hostname.toLowerCase() !== host.name.toLowerCase()) {
    add('Hostname', `hostname is "${hostname}" but the spec names this host "${host.name}"; the node would register as "${host.name}" (nodeRegistration.name) — rename the host or the spec entry to avoid confusion`);
  }

  const ports = host.role === 'control-plane' ? CONTROL_PLANE_PORTS : host.role === 'worker' ? WORKER_PORTS : [];
  for (const port of busyPorts(get('ports').output, host.address, ports)) add(`Port-${port}`, `Port ${port} is in use`);

  const prerequisites = get('prerequisites').output.split('\n');
  const missing = prerequisites.filter((l) => l.startsWith('missing ')).map((l) => l.slice('missing '.length));
  if (missing.length > 0 && !prerequisites.includes('initialized')) {
    add('ExternalEtcdClientCertificates', `${missing.join(', ')} not found: with external etcd, copy etcd/ca.crt and apiserver-etcd-client.crt/.key from an etcd node to the paths spec.etcd names on ${host.name} before the bring-up (kubeadm init reads them and uploads them for the other control planes)`);
  }

  const macAddresses = get('macs').output.split('\n').map((l) => l.trim().split(/\s+/)[1] ?? '').filter((m) => m !== '' && m !== '00:00:00:00:00:00');
  return {
    problems,
    fixes,
    facts: { hostname, macAddresses, productUuid: get('uuid').output.trim().toLowerCase(), clockOffsetMs, kubeadmVersion, kubeletVersion },
  };
}

/**
 * The clock offset the measurement proves: the remote reading lies somewhere inside the round
 * trip, so only the part of |remote - midpoint| beyond half the round trip is certain. On a
 * loaded orchestrator an SSH exec takes hundreds of milliseconds; this keeps that from being
 * reported as clock skew while a real skew still shows.
 */
export function provenClockOffset(remoteMs: number, beforeMs: number, afterMs: number, exitCode: number): number {
  if (!Number.isFinite(remoteMs) || exitCode !== 0) return 0;
  const raw = remoteMs - (beforeMs + afterMs) / 2;
  const slack = (afterMs - beforeMs) / 2;
  return Math.sign(raw) * Math.max(0, Math.round(Math.abs(raw) - slack));
}

/** What kubeadm init needs on its host that only the user can provide: external etcd's CA and the API server's client pair. */
export function initPrerequisiteFiles(cluster: ClusterSettings): string[] {
  return cluster.etcd.topology === 'external' ? [cluster.etcd.caFile, cluster.etcd.certFile, cluster.etcd.keyFile] : [];
}

function fixDescriptions(fixes: PreflightFixes): string[] {
  return [
    ...(fixes.swap ? ['swapoff -a'] : []),
    ...(fixes.modules ? ['modprobe br_netfilter'] : []),
    ...(fixes.sysctl ? ['sysctl -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1'] : []),
  ];
}

export function createPreflightActivities(deps: ActivityDeps) {
  /**
   * The host's facts and the proven clock offset, by one command: the clock is its first section,
   * timed from the command's send (not the SSH handshake before it) to that section's arrival.
   */
  async function inspect(step: ReturnType<typeof hostStep>, cluster: ClusterSettings, initPrerequisites: boolean): Promise<{ sections: Map<string, Section>; clockOffsetMs: number }> {
    const mustExist = initPrerequisites ? initPrerequisiteFiles(cluster) : [];
    let sentAt: number | undefined;
    let clockAt: number | undefined;
    const asked = deps.clock();
    const result = await step.run(preflightFacts.render({ criSocketPath: criSocketPath(cluster.criSocket), mustExist }), {
      timeoutMs: 60_000,
      onExec: () => (sentAt = deps.clock()),
      onOutput: (chunk, stream) => {
        if (clockAt === undefined && stream === 'stdout' && chunk.includes(`@@${CLOCK_SECTION} `)) clockAt = deps.clock();
      },
    });
    const answered = deps.clock();
    const sections = parseSections(result.stdout);
    const clock = sections.get(CLOCK_SECTION);
    const offset = clock ? provenClockOffset(Number(clock.output), sentAt ?? asked, clockAt ?? answered, clock.code) : 0;
    return { sections, clockOffsetMs: offset };
  }

  return {
    async preflight({ cluster, host, fix, initPrerequisites = false }: PreflightInput): Promise<PreflightReport> {
      const step = hostStep(deps, host, 'preflight');
      const { sections, clockOffsetMs } = await inspect(step, cluster, initPrerequisites);
      let evaluation = evaluatePreflight(cluster, host, sections, clockOffsetMs);
      const fixed: string[] = [];
      const wanted = evaluation.fixes;
      if (fix && (wanted.swap || wanted.modules || wanted.sysctl)) {
        // The fix command reads back what it changed; the other facts stand as first read.
        const changed = parseSections((await step.runChecked(preflightFix.render(wanted), { timeoutMs: 60_000 })).stdout);
        fixed.push(...fixDescriptions(wanted));
        step.log(`fixed: ${fixed.join('; ')}`);
        evaluation = evaluatePreflight(cluster, host, new Map([...sections, ...changed]), clockOffsetMs);
      }
      if (evaluation.problems.length) step.log(`${evaluation.problems.length} preflight problem(s)`, { checks: evaluation.problems.map((p) => p.check) });
      return { host: host.name, problems: evaluation.problems, fixed, facts: evaluation.facts };
    },
  };
}
