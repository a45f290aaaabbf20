/**
 * An in-memory cluster behind the activities `upgradeCluster` calls: versions per API server,
 * kubeadm and kubelet per host, the cordoned nodes, and every call with its start and end. The
 * real upgrade workflow runs against it on the dev server, so rollout controls and gate outcomes
 * are tested in seconds. Each fake does what the real activity's contract says (judge first, then
 * change), not how it does it.
 */
import { Context } from '@temporalio/activity';
import type { EtcdReport, HostStepInput, KubehaActivities, NodeStatus, WaitForNodeInput } from '../../src/activities/types';
import type { KubeadmRun, NodeInput, UpgradeHostInput } from '../../src/activities/upgrade-types';
import type { ClusterSpec } from '../../src/spec/types';

export type UpgradeActivityName = keyof Pick<
  KubehaActivities,
  'upgradeFacts' | 'installKubeadm' | 'kubeadmUpgradePlan' | 'kubeadmUpgradeApply' | 'kubeadmUpgradeNode' | 'drainNode' | 'uncordonNode' | 'upgradeKubelet' | 'waitForNodeReady' | 'verifyEtcd'
>;

export interface UpgradeCall {
  name: UpgradeActivityName;
  /** The host acted on: the node for drain, uncordon and the Ready wait (which run on a control plane). */
  host: string;
  start: number;
  end?: number;
}

export interface FakeUpgradeOptions {
  /** Milliseconds each call of an activity takes (on every host, or per host name). */
  delays?: Partial<Record<UpgradeActivityName, number | Record<string, number>>>;
}

export interface FakeUpgradeCluster {
  activities: Record<UpgradeActivityName, (input: never) => Promise<unknown>>;
  calls: UpgradeCall[];
  /** kubeadm package per host. */
  kubeadm: Map<string, string>;
  /** API server version per control plane. */
  apiServer: Map<string, string>;
  /** kubelet version per node. */
  kubelet: Map<string, string>;
  cordoned: Set<string>;
  named(name: UpgradeActivityName, host?: string): UpgradeCall[];
  /** Hosts any call touched so far. */
  touched(): string[];
}

/** Waits as a long real activity does: heartbeating, so a cancel reaches it (and ends it). */
async function busy(ms: number): Promise<void> {
  const context = Context.current();
  for (let left = ms; left > 0; left -= 200) {
    context.heartbeat();
    await context.sleep(Math.min(200, left));
  }
}

export function createFakeUpgradeCluster(spec: ClusterSpec, options: FakeUpgradeOptions = {}): FakeUpgradeCluster {
  const nodes = spec.hosts.filter((h) => h.role !== 'load-balancer');
  const controlPlanes = nodes.filter((h) => h.role === 'control-plane');
  const from = spec.kubernetesVersion;
  const kubeadm = new Map(nodes.map((h) => [h.name, from]));
  const kubelet = new Map(nodes.map((h) => [h.name, from]));
  const apiServer = new Map(controlPlanes.map((h) => [h.name, from]));
  const cordoned = new Set<string>();
  const calls: UpgradeCall[] = [];

  function timed<I, R>(name: UpgradeActivityName, hostOf: (input: I) => string, fn: (input: I) => R): (input: I) => Promise<R> {
    return async (input) => {
      const host = hostOf(input);
      const call: UpgradeCall = { name, host, start: Date.now() };
      calls.push(call);
      const delay = options.delays?.[name];
      const ms = typeof delay === 'number' ? delay : (delay?.[host] ?? 0);
      if (ms > 0) await busy(ms);
      const result = fn(input);
      call.end = Date.now();
      return result;
    };
  }
  const onHost = (i: HostStepInput) => i.host.name;
  const onNode = (i: { node: string }) => i.node;
  const nodeStatus = (name: string): NodeStatus => ({ name, ready: true, roles: controlPlanes.some((h) => h.name === name) ? ['control-plane'] : [], version: kubelet.get(name) ?? '' });
  const first = controlPlanes[0]?.name ?? '';

  const activities = {
    // The endpoint answers with the first control plane's version (the fakes' clusters have one API server in front).
    upgradeFacts: timed('upgradeFacts', onHost, () => ({ endpointVersion: apiServer.get(first) ?? '', localVersion: apiServer.get(first) ?? '', nodes: nodes.map((h) => nodeStatus(h.name)) })),
    installKubeadm: timed('installKubeadm', onHost, ({ host, to }: UpgradeHostInput) => {
      const changed = kubeadm.get(host.name) !== to;
      kubeadm.set(host.name, to);
      return { changed };
    }),
    kubeadmUpgradePlan: timed('kubeadmUpgradePlan', onHost, ({ to }: UpgradeHostInput) => ({ output: `[upgrade/versions] Cluster version: ${apiServer.get(first)}\n[upgrade/versions] Target version: ${to}` })),
    kubeadmUpgradeApply: timed('kubeadmUpgradeApply', onHost, ({ host, to }: UpgradeHostInput): KubeadmRun => {
      if (apiServer.get(host.name) === to) return { alreadyDone: true };
      if (kubeadm.get(host.name) !== to) throw new Error(`${host.name}: kubeadm is ${kubeadm.get(host.name)}, not ${to}`);
      apiServer.set(host.name, to);
      return { alreadyDone: false };
    }),
    kubeadmUpgradeNode: timed('kubeadmUpgradeNode', onHost, ({ host, to }: UpgradeHostInput): KubeadmRun => {
      if (apiServer.has(host.name)) {
        if (apiServer.get(host.name) === to) return { alreadyDone: true };
        apiServer.set(host.name, to);
      }
      return { alreadyDone: false };
    }),
    drainNode: timed('drainNode', onNode, ({ node }: NodeInput) => void cordoned.add(node)),
    uncordonNode: timed('uncordonNode', onNode, ({ node }: NodeInput) => void cordoned.delete(node)),
    upgradeKubelet: timed('upgradeKubelet', onHost, ({ host, to }: UpgradeHostInput) => {
      const changed = kubelet.get(host.name) !== to;
      kubelet.set(host.name, to);
      return { changed };
    }),
    waitForNodeReady: timed('waitForNodeReady', onNode, ({ node }: WaitForNodeInput) => nodeStatus(node)),
    verifyEtcd: timed('verifyEtcd', onHost, (): EtcdReport => ({
      members: controlPlanes.map((h, i) => ({ id: `${i + 1}`, name: h.name, peerURLs: [`https://${h.address}:2380`], clientURLs: [`https://${h.address}:2379`], isLearner: false, started: true })),
      endpoints: controlPlanes.map((h, i) => ({ endpoint: `https://${h.address}:2379`, healthy: true, isLeader: i === 0, raftTerm: 2, version: '3.5.15' })),
    })),
  };

  return {
    activities: activities as FakeUpgradeCluster['activities'],
    calls,
    kubeadm,
    apiServer,
    kubelet,
    cordoned,
    named: (name, host) => calls.filter((c) => c.name === name && (host === undefined || c.host === host)),
    touched: () => [...new Set(calls.map((c) => c.host))].sort(),
  };
}
