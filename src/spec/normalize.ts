import os from 'node:os';
import path from 'node:path';
import { parseDuration } from './duration';
import { DEFAULTS, BUILTIN_CNIS } from './defaults';
import { controlPlanes, joinHostPort, parseEndpoint } from './hosts';
import type { RawSpec, RawSsh } from './schema';
import type { ApprovalGate, ApprovalTimeouts, ClusterSpec, HostSpec, LifetimeSpec, LoadBalancerSpec, SshSpec } from './types';

export interface NormalizeOptions {
  /** Directory of the spec file: relative paths resolve against it. */
  baseDir: string;
  homeDir?: string;
}

/** Applies defaults to a spec that passed validation. */
export function normalize(raw: RawSpec, opts: NormalizeOptions): ClusterSpec {
  const home = opts.homeDir ?? os.homedir();
  const localPath = (p: string) => (p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : path.resolve(opts.baseDir, p));
  const ms = (text: string) => parseDuration(text) as number;
  const s = raw.spec;

  const ssh = (over: RawSsh = {}, base?: SshSpec): SshSpec => {
    const user = over.user ?? base?.user ?? DEFAULTS.ssh.user;
    const jump = over.jumpHost;
    const merged: SshSpec = {
      user,
      port: over.port ?? base?.port ?? DEFAULTS.ssh.port,
      privateKey: over.privateKey ? localPath(over.privateKey) : (base?.privateKey ?? localPath(DEFAULTS.ssh.privateKey)),
      knownHosts: over.knownHosts ? localPath(over.knownHosts) : (base?.knownHosts ?? localPath(DEFAULTS.ssh.knownHosts)),
      acceptNewHostKeys: over.acceptNewHostKeys ?? base?.acceptNewHostKeys ?? DEFAULTS.ssh.acceptNewHostKeys,
      sudo: over.sudo ?? (over.user !== undefined ? user !== 'root' : (base?.sudo ?? user !== 'root')),
      connectTimeoutMs: over.connectTimeout ? ms(over.connectTimeout) : (base?.connectTimeoutMs ?? ms(DEFAULTS.ssh.connectTimeout)),
    };
    const jumpHost = jump ? { address: jump.address, port: jump.port ?? 22, user: jump.user ?? user } : base?.jumpHost;
    return jumpHost ? { ...merged, jumpHost } : merged;
  };
  const clusterSsh = ssh(s.ssh);
  const hosts: HostSpec[] = s.hosts.map((h) => ({ name: h.name, address: h.address, role: h.role, ssh: h.ssh ? ssh(h.ssh, clusterSsh) : clusterSsh }));

  const firstCp = controlPlanes({ hosts })[0] as HostSpec;
  const lb = s.loadBalancer ?? { type: 'external' as const };
  const controlPlaneEndpoint = s.controlPlaneEndpoint ?? joinHostPort(lb.vip ?? firstCp.address, lb.port ?? DEFAULTS.apiServerPort);
  const endpointPort = (parseEndpoint(controlPlaneEndpoint) as { port: number }).port;

  let loadBalancer: LoadBalancerSpec;
  if (lb.type === 'kube-vip') {
    loadBalancer = { type: 'kube-vip', vip: lb.vip as string, port: lb.port ?? endpointPort, interface: lb.interface as string, image: lb.image ?? DEFAULTS.kubeVipImage };
  } else if (lb.type === 'haproxy-keepalived') {
    loadBalancer = {
      type: 'haproxy-keepalived',
      vip: lb.vip as string,
      port: lb.port ?? endpointPort,
      interface: lb.interface as string,
      virtualRouterId: lb.virtualRouterId ?? DEFAULTS.virtualRouterId,
    };
  } else {
    loadBalancer = { type: 'external' };
  }

  const etcd =
    s.etcd?.topology === 'external'
      ? { topology: 'external' as const, endpoints: s.etcd.endpoints ?? [], caFile: s.etcd.caFile as string, certFile: s.etcd.certFile as string, keyFile: s.etcd.keyFile as string }
      : { topology: 'stacked' as const };

  const lifetime = (v: { ttl?: string; renewBefore?: string } | undefined, d: { ttl: string; renewBefore: string }): LifetimeSpec => ({
    ttlMs: ms(v?.ttl ?? d.ttl),
    renewBeforeMs: ms(v?.renewBefore ?? d.renewBefore),
  });
  const cni = s.networking.cni ?? DEFAULTS.cni;
  const approvals = (s.approvals ?? []).map((a) => (typeof a === 'string' ? { gate: a } : a));
  const approvalTimeoutsMs: ApprovalTimeouts = {};
  for (const a of approvals) if (a.timeout) approvalTimeoutsMs[a.gate] = ms(a.timeout);

  return {
    name: raw.metadata.name,
    kubernetesVersion: s.kubernetesVersion,
    controlPlaneEndpoint,
    loadBalancer,
    etcd,
    networking: {
      podSubnet: s.networking.podSubnet,
      serviceSubnet: s.networking.serviceSubnet,
      dnsDomain: s.networking.dnsDomain ?? DEFAULTS.dnsDomain,
      cni: (BUILTIN_CNIS as readonly string[]).includes(cni) ? cni : localPath(cni),
      ...(s.networking.cniSha256 ? { cniSha256: s.networking.cniSha256 } : {}),
    },
    imageRepository: s.imageRepository ?? DEFAULTS.imageRepository,
    criSocket: s.criSocket ?? DEFAULTS.criSocket,
    cgroupDriver: s.cgroupDriver ?? DEFAULTS.cgroupDriver,
    kubeProxyMode: s.kubeProxyMode ?? DEFAULTS.kubeProxyMode,
    extraArgs: {
      apiServer: s.extraArgs?.apiServer ?? {},
      controllerManager: s.extraArgs?.controllerManager ?? {},
      scheduler: s.extraArgs?.scheduler ?? {},
    },
    certificateKey: lifetime(s.certificateKey, DEFAULTS.certificateKey),
    // `upload` stays absent, as in specs recorded before the field: a spec that says it compares equal to them.
    ...(s.certificateDistribution === 'manual' ? { certificateDistribution: 'manual' as const } : {}),
    joinToken: { ...lifetime(s.joinToken, DEFAULTS.joinToken), keep: s.joinToken?.keep ?? DEFAULTS.joinToken.keep },
    approvals: [...new Set<ApprovalGate>(approvals.map((a) => a.gate))],
    allowSelfApproval: s.allowSelfApproval ?? false,
    approvalTimeoutsMs,
    controlPlaneJoins: etcd.topology === 'external' ? 'serial' : (s.controlPlaneJoins ?? DEFAULTS.controlPlaneJoins),
    workers: { maxConcurrentJoins: s.workers?.maxConcurrentJoins ?? DEFAULTS.maxConcurrentJoins },
    preflight: { fix: s.preflight?.fix ?? false, ignore: s.preflight?.ignore ?? [] },
    ssh: clusterSsh,
    hosts,
  };
}
