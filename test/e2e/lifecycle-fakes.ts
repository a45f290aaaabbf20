/**
 * The rejoin, certificate and drill activities over the in-memory cluster of workflow-fakes: each
 * fake keeps the contract of the real activity (what it reports, what it changes), so the real
 * workflows run their whole path on the dev server in seconds. Used to record replay histories.
 */
import type { CertificateActivities, CertificateFacts } from '../../src/activities/certificate-types';
import type { DrillActivities, DrillManifestName } from '../../src/activities/drill-types';
import type { RejoinActivities } from '../../src/activities/rejoin-types';
import type { KubehaActivities } from '../../src/activities/types';
import type { ClusterSpec } from '../../src/spec/types';
import type { FakeCluster } from './workflow-fakes';

const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, '.000Z');

/**
 * A removed node leaves `cluster.joined`; its stacked etcd member goes with it. Hosts are told
 * apart by address: one at a `dead` address does not answer, and a node's name seen at a new
 * address is a spare host that is not a node yet (a replace), where the node will live from then on.
 */
export function fakeRejoinActivities(
  spec: ClusterSpec,
  cluster: FakeCluster,
  options: { dead?: string[] } = {},
): RejoinActivities & Pick<KubehaActivities, 'uploadClusterConfiguration' | 'updateLoadBalancerBackends'> {
  const recorded = new Map(spec.hosts.map((h) => [h.name, h.address]));
  return {
    rejoinHostFacts: async ({ host }) => {
      if (options.dead?.includes(host.address)) return { reachable: false, runsAsNode: false };
      const current = cluster.movedTo.get(host.name) ?? recorded.get(host.name);
      if (current !== host.address) {
        cluster.movedTo.set(host.name, host.address);
        return { reachable: true, runsAsNode: false };
      }
      return { reachable: true, runsAsNode: cluster.joined.has(host.name) };
    },
    removeFromCluster: async ({ target, as }) => {
      const was = cluster.joined.delete(target.name);
      return { removedMemberIds: was && as === 'control-plane' ? [`m-${target.name}`] : [] };
    },
    resetHost: async () => ({ reset: true }),
    uploadClusterConfiguration: async () => undefined,
    updateLoadBalancerBackends: async () => ({ changed: true }),
  };
}

/** Control planes whose certificates expire in `expiresInDays`; a renewal moves them a year out and the restart serves them. */
export function fakeCertificateActivities(expiresInDays: Record<string, number>): CertificateActivities {
  const state = new Map(Object.entries(expiresInDays).map(([host, days]) => [host, { disk: at(Date.now() + days * DAY), served: at(Date.now() + days * DAY) }]));
  const of = (host: string) => {
    const s = state.get(host);
    if (!s) throw new Error(`${host} is not a faked control plane`);
    return s;
  };
  const facts = (host: string): CertificateFacts => {
    const s = of(host);
    return {
      host,
      certificates: ['admin.conf', 'apiserver', 'etcd-server'].map((name) => ({ name, expires: s.disk, residual: '', authority: 'ca', externallyManaged: false })),
      authorities: [{ name: 'ca', expires: at(Date.now() + 3650 * DAY), residual: '9y', externallyManaged: false }],
      kubeletClientExpires: at(Date.now() + 300 * DAY),
      kubeletRotateCertificates: true,
      servingNotAfter: s.served,
      apiserverCrtNotAfter: s.disk,
      ready: true,
    };
  };
  return {
    certificateFacts: async ({ host }) => facts(host.name),
    renewCertificates: async ({ host }) => {
      of(host.name).disk = at(Date.now() + 365 * DAY);
      return { renewed: true, output: '' };
    },
    restartControlPlanePods: async ({ host }) => {
      const s = of(host.name);
      s.served = s.disk;
      return { changed: true };
    },
  };
}

/**
 * Parking a control plane's manifests stops its API server (the endpoint, health-checked, keeps
 * answering) and its stacked etcd member (seen unhealthy until restored).
 */
export function fakeDrillActivities(spec: ClusterSpec, cluster: FakeCluster): Pick<KubehaActivities, keyof DrillActivities | 'verifyEtcd'> {
  const parked = new Map<string, DrillManifestName[]>();
  const addressOf = new Map(spec.hosts.map((h) => [h.address, h.name]));
  const stopped = (url: string) => {
    const host = addressOf.get(new URL(url).hostname);
    return host !== undefined && (parked.get(host)?.length ?? 0) > 0;
  };
  return {
    parkManifests: async ({ host, manifests }) => {
      parked.set(host.name, [...manifests]);
      return { parked: [...manifests], absent: [] };
    },
    restoreManifests: async ({ host, manifests }) => {
      parked.delete(host.name);
      return { restored: [...manifests], present: [], absent: [] };
    },
    probeReadyz: async ({ windowMs, intervalMs }) => {
      const now = Date.now();
      return Array.from({ length: Math.max(1, Math.floor(windowMs / intervalMs)) }, (_, i) => ({ at: now + i * intervalMs, code: 200 }));
    },
    readyzCodes: async ({ urls }) => urls.map((url) => ({ url, code: stopped(url) ? 0 : 200 })),
    verifyEtcd: async (input) => {
      const report = await cluster.activities.verifyEtcd(input);
      const down = new Set(spec.hosts.filter((h) => parked.get(h.name)?.includes('etcd.yaml')).map((h) => `https://${h.address}:2379`));
      const endpoints = report.endpoints.map((e) => ({ ...e, healthy: e.healthy && !down.has(e.endpoint), isLeader: false }));
      const leader = endpoints.find((e) => e.healthy);
      if (leader) leader.isLeader = true;
      return { members: report.members, endpoints };
    },
  };
}
