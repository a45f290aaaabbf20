/** Reads a host's kubeadm evidence and, when its own evidence is not enough, what the cluster says about it. */
import type { EtcdClient } from '../remote/host-facts';
import { clusterMembership, kubeadmHostFacts } from '../remote/host-facts';
import { ETCD_PKI } from '../remote/paths';
import { parseSections } from '../remote/sections';
import { apiServerBindPort, initHost } from '../render';
import { joinHostPort } from '../spec/hosts';
import type { HostSpec } from '../spec/types';
import type { ActivityDeps } from './deps';
import type { ClusterView, HostFacts } from './host-state';
import { parseClusterView, parseHostFacts } from './host-state';
import { hostStep } from './step';
import type { Step } from './step';
import type { ClusterSettings } from './types';

export function localApiUrl(cluster: ClusterSettings, host: HostSpec): string {
  return `https://${joinHostPort(host.address, apiServerBindPort(cluster))}`;
}

/** The host's own etcd member, with kubeadm's healthcheck client certificate. */
export function localEtcd(host: HostSpec): EtcdClient {
  return {
    endpoint: `https://${joinHostPort(host.address, 2379)}`,
    caFile: `${ETCD_PKI}/ca.crt`,
    certFile: `${ETCD_PKI}/healthcheck-client.crt`,
    keyFile: `${ETCD_PKI}/healthcheck-client.key`,
  };
}

export const hasStackedEtcd = (cluster: ClusterSettings): boolean => cluster.etcd.topology === 'stacked';

/** `api`: ask the host's own API server (a control plane's evidence; a worker runs none). */
export async function readHostFacts(step: Step, cluster: ClusterSettings, unit: string, ask: { api: boolean; etcd: boolean }): Promise<HostFacts> {
  const script = kubeadmHostFacts.render({
    unit,
    ...(ask.api ? { readyzUrl: `${localApiUrl(cluster, step.host)}/readyz` } : {}),
    ...(ask.etcd ? { etcd: localEtcd(step.host) } : {}),
  });
  return parseHostFacts(parseSections((await step.runChecked(script, { timeoutMs: 60_000 })).stdout));
}

/** Asked on the first control plane through its own API server and etcd; undefined when it gave no clear answer. */
export async function askCluster(deps: ActivityDeps, cluster: ClusterSettings, host: HostSpec, as: 'control-plane' | 'worker'): Promise<ClusterView | undefined> {
  const first = initHost(cluster);
  const step = hostStep(deps, first, `ask-about-${host.name}`);
  const withEtcd = as === 'control-plane' && hasStackedEtcd(cluster);
  const script = clusterMembership.render({ node: host.name, server: localApiUrl(cluster, first), ...(withEtcd ? { etcd: localEtcd(first) } : {}) });
  const result = await step.run(script, { timeoutMs: 60_000 });
  return parseClusterView(parseSections(result.stdout), host, withEtcd);
}
