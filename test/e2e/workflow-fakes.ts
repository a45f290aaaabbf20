/**
 * An in-memory cluster behind the KubehaActivities interface: records every call with its
 * start and end, and fails where a test tells it to. Workflow tests run the real workflows on
 * the real dev server against it.
 */
import { unfakedCertificateActivities } from './certificate-activity-stubs';
import { unfakedDrillActivities } from './drill-activity-stubs';
import { unfakedRejoinActivities } from './rejoin-activity-stubs';
import { unfakedResetActivities } from './reset-activity-stubs';
import { unfakedUpgradeActivities } from './upgrade-activity-stubs';
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import {
  FailureTypes,
  type BootstrapToken,
  type CertificateKey,
  type EtcdReport,
  type HostStepInput,
  type JoinInput,
  type KubehaActivities,
  type PreflightReport,
} from '../../src/activities/types';
import type { ClusterSpec, HostRole, HostSpec, SshSpec } from '../../src/spec/types';

export interface Call {
  name: keyof KubehaActivities;
  host: string;
  start: number;
  end?: number;
  ok?: boolean;
  attempt: number;
  detail?: string;
}

export interface FakeOptions {
  /** Milliseconds each call of an activity takes. */
  delays?: Partial<Record<keyof KubehaActivities, number>>;
  /** Hosts whose join always fails (retryable). */
  brokenJoins?: string[];
  /** Failure type of those joins (default RemoteCommandFailed, retryable). */
  brokenJoinType?: string;
  /** Per-host preflight fact overrides. */
  facts?: Record<string, Partial<PreflightReport['facts']>>;
  /** Certificate keys live this long (ms) in the fake; a control-plane join with an expired key fails CertificateKeyExpired. */
  certificateKeyTtlMs?: number;
  /** The key minted by init is already expired when the first join uses it. */
  initialKeyExpired?: boolean;
  /** verifyCluster reports the workers NotReady on its first N calls. */
  workersNotReadyChecks?: number;
  /** probeLoadBalancer always times out. */
  lbUnreachable?: boolean;
  /** applyCni fails with this message (non-retryable, as a manifest that does not match its digest). */
  cniFails?: string;
  /**
   * Calls that, once started, wait until a call matching `until` has started (at most `maxWaitMs`,
   * default 10 s, so a workflow that never issues it fails the test's order assertions, not its timeout).
   */
  holds?: Hold[];
}

export interface Hold {
  name: keyof KubehaActivities;
  hosts?: string[];
  until: { name: keyof KubehaActivities; hosts?: string[] };
  maxWaitMs?: number;
}

export interface FakeCluster {
  activities: KubehaActivities;
  calls: Call[];
  joined: Set<string>;
  /** Nodes that joined again from another address (a replace): name → new address. */
  movedTo: Map<string, string>;
  keysMinted: string[];
  /** kubeadm's single kubeadm-certs Secret: the key it is encrypted with and when it expires; undefined once deleted. */
  certsSecret(): { key: string; expiresAt: number } | undefined;
  /** Token ids revoked by revokeJoinCredentials. */
  revokedTokenIds: string[];
  /** Every bootstrap token handed out (init's and renewals'). */
  tokensMinted: string[];
  named(name: keyof KubehaActivities, host?: string): Call[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createFakeCluster(spec: ClusterSpec, options: FakeOptions = {}): FakeCluster {
  const calls: Call[] = [];
  const joined = new Set<string>();
  const movedTo = new Map<string, string>();
  const certificatesCopiedTo = new Set<string>();
  const keysMinted: string[] = [];
  let secret: { key: string; expiresAt: number } | undefined;
  const revokedTokenIds: string[] = [];
  const tokensMinted: string[] = [];
  let initialized = false;
  let counter = 0;

  /** Uploads the certificates with `key` (a new one when absent), replacing the one Secret. */
  function upload(key?: string, expired = false): CertificateKey {
    const ttl = options.certificateKeyTtlMs ?? 3_600_000;
    const value = key ?? `${(++counter).toString(16).padStart(8, '0')}${'a'.repeat(56)}`;
    if (!key) keysMinted.push(value);
    secret = { key: value, expiresAt: expired ? 0 : Date.now() + ttl };
    return { key: value, expiresAt: new Date(Date.now() + ttl).toISOString() };
  }
  function mintToken(): BootstrapToken {
    const token = `t${String(++counter).padStart(5, '0')}.${String(counter).padStart(16, '0')}`;
    tokensMinted.push(token);
    return { token, caCertHash: 'sha256:' + 'b'.repeat(64), expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
  }

  const matches = (c: Call, name: keyof KubehaActivities, hosts?: string[]) => c.name === name && (!hosts || hosts.includes(c.host));
  async function holdIfAsked(name: keyof KubehaActivities, host: string): Promise<void> {
    for (const hold of options.holds ?? []) {
      if (!matches({ name, host, start: 0, attempt: 1 }, hold.name, hold.hosts)) continue;
      const giveUpAt = Date.now() + (hold.maxWaitMs ?? 10_000);
      while (!calls.some((c) => matches(c, hold.until.name, hold.until.hosts)) && Date.now() < giveUpAt) await sleep(20);
    }
  }

  /** `checkFirst`: the work's checks happen at the start (a join downloads the certs first), then it takes its time. */
  async function record<T>(name: keyof KubehaActivities, host: string, fn: () => T | Promise<T>, checkFirst = false): Promise<T> {
    const call: Call = { name, host, start: Date.now(), attempt: activityInfo().attempt };
    calls.push(call);
    try {
      await holdIfAsked(name, host);
      if (!checkFirst) await sleep(options.delays?.[name] ?? 20);
      const value = await fn();
      if (checkFirst) await sleep(options.delays?.[name] ?? 20);
      call.ok = true;
      return value;
    } catch (err) {
      call.ok = false;
      call.detail = (err as Error).message;
      throw err;
    } finally {
      call.end = Date.now();
    }
  }

  const addressOf = (h: HostSpec): string => movedTo.get(h.name) ?? h.address;
  const etcdReport = (): EtcdReport => {
    if (spec.etcd.topology === 'external') {
      // An external etcd cluster: its own members, one per endpoint, whatever joins.
      const endpoints = spec.etcd.endpoints;
      return {
        members: endpoints.map((e, i) => ({ id: `e${i}`, name: `etcd-${i}`, peerURLs: [e.replace(':2379', ':2380')], clientURLs: [e], isLearner: false, started: true })),
        endpoints: endpoints.map((e, i) => ({ endpoint: e, healthy: true, isLeader: i === 0, raftTerm: 2, version: '3.5.12' })),
      };
    }
    const cps = spec.hosts.filter((h) => h.role === 'control-plane' && joined.has(h.name));
    return {
      members: cps.map((h, i) => ({ id: `m${i}`, name: h.name, peerURLs: [`https://${addressOf(h)}:2380`], clientURLs: [`https://${addressOf(h)}:2379`], isLearner: false, started: true })),
      endpoints: cps.map((h, i) => ({ endpoint: `https://${addressOf(h)}:2379`, healthy: true, isLeader: i === 0, raftTerm: 2, version: '3.5.12' })),
    };
  };

  const activities: KubehaActivities = {
    ...unfakedUpgradeActivities(),
    ...unfakedResetActivities(),
    ...unfakedRejoinActivities(),
    ...unfakedCertificateActivities(),
    ...unfakedDrillActivities(),
    preflight: ({ host }) =>
      record('preflight', host.name, () => ({
        host: host.name,
        problems: [],
        fixed: [],
        facts: {
          hostname: host.name,
          macAddresses: [`02:00:00:00:00:${String(spec.hosts.indexOf(spec.hosts.find((h) => h.name === host.name) as HostSpec)).padStart(2, '0')}`],
          productUuid: `uuid-${host.name}`,
          clockOffsetMs: 3,
          kubeadmVersion: spec.kubernetesVersion,
          kubeletVersion: spec.kubernetesVersion,
          ...options.facts?.[host.name],
        },
      })),
    configureLoadBalancer: ({ host }) => record('configureLoadBalancer', host.name, () => ({ changed: true })),
    installKubeVip: ({ host }) => record('installKubeVip', host.name, () => ({ changed: true })),
    updateLoadBalancerBackends: ({ host }) => record('updateLoadBalancerBackends', host.name, () => ({ changed: true })),
    uploadClusterConfiguration: ({ host }) => record('uploadClusterConfiguration', host.name, () => undefined),
    probeLoadBalancer: ({ host }) =>
      record('probeLoadBalancer', host.name, () => {
        if (options.lbUnreachable) throw ApplicationFailure.retryable(`connect to ${spec.controlPlaneEndpoint} timed out`, FailureTypes.loadBalancerUnreachable);
        return { result: 'refused' as const };
      }),
    initControlPlane: ({ host }) =>
      record('initControlPlane', host.name, () => {
        const alreadyInitialized = initialized;
        initialized = true;
        joined.add(host.name);
        return { alreadyInitialized, token: mintToken(), certificateKey: upload(undefined, options.initialKeyExpired) };
      }),
    uploadCerts: ({ host, certificateKey }) => record('uploadCerts', host.name, () => upload(certificateKey?.key)),
    revokeJoinCredentials: ({ host, tokenIds, certificateSecret }) =>
      record('revokeJoinCredentials', host.name, () => {
        revokedTokenIds.push(...tokenIds);
        if (certificateSecret) secret = undefined;
      }),
    createJoinToken: ({ host }: HostStepInput) => record('createJoinToken', host.name, () => mintToken()),
    applyCni: ({ host }) =>
      record('applyCni', host.name, () => {
        if (options.cniFails) throw ApplicationFailure.nonRetryable(options.cniFails, FailureTypes.invalidSpec);
        return { changed: true };
      }),
    waitForNodeReady: ({ host, node }) => record('waitForNodeReady', host.name, () => ({ name: node, ready: true, roles: ['control-plane'], version: spec.kubernetesVersion })),
    joinNode: (input: JoinInput) =>
      record('joinNode', input.host.name, () => {
        if (!initialized) throw ApplicationFailure.nonRetryable('join before init', 'FakeOrdering');
        if (options.brokenJoins?.includes(input.host.name)) {
          throw ApplicationFailure.retryable(
            `[preflight] Running pre-flight checks: error execution phase preflight: couldn't validate the identity of the API Server on ${input.host.name}`,
            options.brokenJoinType ?? FailureTypes.remoteCommand,
          );
        }
        if (input.as === 'control-plane' && !input.certificateKey) {
          if (!certificatesCopiedTo.has(input.host.name)) {
            throw ApplicationFailure.nonRetryable('One or more conditions for hosting a new control plane instance is not satisfied.', FailureTypes.preflight);
          }
        } else if (input.as === 'control-plane') {
          if (!secret || secret.key !== input.certificateKey?.key || secret.expiresAt <= Date.now()) {
            throw ApplicationFailure.nonRetryable(
              'error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace',
              FailureTypes.certificateKeyExpired,
            );
          }
        }
        const alreadyJoined = joined.has(input.host.name);
        joined.add(input.host.name);
        return { alreadyJoined, attempt: activityInfo().attempt };
      }, true),
    copySharedCertificates: ({ host, target }) =>
      record('copySharedCertificates', host.name, () => {
        certificatesCopiedTo.add(target.name);
        return { copied: [], unchanged: [] };
      }),
    abandonJoin: ({ host }) =>
      record('abandonJoin', host.name, () => {
        joined.delete(host.name);
        return { reset: true };
      }),
    verifyEtcd: ({ host }) => record('verifyEtcd', host.name, etcdReport),
    verifyCluster: ({ host }) =>
      record('verifyCluster', host.name, () => ({
        nodes: spec.hosts
          .filter((h) => joined.has(h.name))
          .map((h) => ({
            name: h.name,
            ready: h.role !== 'worker' || calls.filter((c) => c.name === 'verifyCluster').length > (options.workersNotReadyChecks ?? 0),
            roles: h.role === 'control-plane' ? ['control-plane'] : [],
            version: spec.kubernetesVersion,
          })),
        controlPlanePods: spec.hosts
          .filter((h) => h.role === 'control-plane' && joined.has(h.name))
          .flatMap((h) => ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => ({ namespace: 'kube-system', name: `${c}-${h.name}`, node: h.name, phase: 'Running' }))),
        readyz: 'ok',
      })),
  };

  return {
    activities,
    calls,
    joined,
    movedTo,
    keysMinted,
    certsSecret: () => secret,
    revokedTokenIds,
    tokensMinted,
    named: (name, host) => calls.filter((c) => c.name === name && (host === undefined || c.host === host)),
  };
}

const SSH: SshSpec = { user: 'root', port: 22, privateKey: '/root/.ssh/id', knownHosts: '/root/.ssh/known_hosts', acceptNewHostKeys: false, sudo: false, connectTimeoutMs: 5_000 };

export interface FakeSpecOptions {
  name: string;
  controlPlanes?: number;
  workers?: number;
  loadBalancer?: ClusterSpec['loadBalancer']['type'];
  approvals?: ClusterSpec['approvals'];
  approvalTimeoutsMs?: ClusterSpec['approvalTimeoutsMs'];
  controlPlaneJoins?: ClusterSpec['controlPlaneJoins'];
  maxConcurrentJoins?: number;
  certificateKey?: ClusterSpec['certificateKey'];
  etcd?: ClusterSpec['etcd'];
  joinTokenTtlMs?: number;
  keepJoinToken?: boolean;
  certificateDistribution?: ClusterSpec['certificateDistribution'];
}

/** A normalized spec as the loader would produce it, with 127.0.6.x addresses. */
export function fakeSpec(opts: FakeSpecOptions): ClusterSpec {
  // Hundreds of workers run past 127.0.6.249 into 127.0.7.x.
  const address = (n: number) => (n < 250 ? `127.0.6.${n}` : `127.0.7.${n - 240}`);
  const host = (name: string, n: number, role: HostRole): HostSpec => ({ name, address: address(n), role, ssh: SSH });
  const cps = Array.from({ length: opts.controlPlanes ?? 3 }, (_, i) => host(`cp${i + 1}`, 11 + i, 'control-plane'));
  const workers = Array.from({ length: opts.workers ?? 3 }, (_, i) => host(`w${i + 1}`, 21 + i, 'worker'));
  const lbType = opts.loadBalancer ?? 'haproxy-keepalived';
  const loadBalancer: ClusterSpec['loadBalancer'] =
    lbType === 'kube-vip'
      ? { type: 'kube-vip', vip: '127.0.6.10', port: 6443, interface: 'lo', image: 'ghcr.io/kube-vip/kube-vip:v0.8.0' }
      : lbType === 'external'
        ? { type: 'external' }
        : { type: 'haproxy-keepalived', vip: '127.0.6.10', port: 6443, interface: 'lo', virtualRouterId: 51 };
  return {
    name: opts.name,
    kubernetesVersion: 'v1.30.2',
    controlPlaneEndpoint: '127.0.6.10:6443',
    loadBalancer,
    etcd: opts.etcd ?? { topology: 'stacked' },
    networking: { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12', dnsDomain: 'cluster.local', cni: 'calico' },
    imageRepository: 'registry.k8s.io',
    criSocket: 'unix:///run/containerd/containerd.sock',
    cgroupDriver: 'systemd',
    kubeProxyMode: 'iptables',
    extraArgs: { apiServer: {}, controllerManager: {}, scheduler: {} },
    certificateKey: opts.certificateKey ?? { ttlMs: 7_200_000, renewBeforeMs: 900_000 },
    joinToken: opts.joinTokenTtlMs
      ? { ttlMs: opts.joinTokenTtlMs, renewBeforeMs: opts.joinTokenTtlMs / 2, ...(opts.keepJoinToken ? { keep: true } : {}) }
      : { ttlMs: 86_400_000, renewBeforeMs: 3_600_000, ...(opts.keepJoinToken ? { keep: true } : {}) },
    approvals: opts.approvals ?? [],
    ...(opts.approvalTimeoutsMs ? { approvalTimeoutsMs: opts.approvalTimeoutsMs } : {}),
    ...(opts.certificateDistribution ? { certificateDistribution: opts.certificateDistribution } : {}),
    controlPlaneJoins: opts.controlPlaneJoins ?? 'parallel',
    workers: { maxConcurrentJoins: opts.maxConcurrentJoins ?? 10 },
    preflight: { fix: false, ignore: [] },
    ssh: SSH,
    hosts: [...(lbType === 'haproxy-keepalived' ? [host('lb1', 9, 'load-balancer')] : []), ...cps, ...workers],
  };
}

/** Largest number of calls of `calls` in flight at the same time. */
export function maxOverlap(calls: Call[]): number {
  const events = calls.flatMap((c) => [
    { t: c.start, d: 1 },
    { t: c.end ?? Number.MAX_SAFE_INTEGER, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let current = 0;
  let max = 0;
  for (const e of events) {
    current += e.d;
    max = Math.max(max, current);
  }
  return max;
}
