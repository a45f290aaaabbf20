/**
 * The lab's on-disk contract, shared by the host machinery (lab/hosts, lab/net, faults, CLI)
 * and the node-software simulator (lab/sim). Everything a simulated host is, is under
 * `<labDir>/hosts/<name>/`; everything the simulated cluster API holds is in the store.
 */
import * as path from 'node:path';

/** `etcd`: a member of the lab's external etcd cluster (`lab up --external-etcd N`), not a Kubernetes node. */
export type LabRole = 'control-plane' | 'worker' | 'load-balancer' | 'etcd';
export type LabLoadBalancer = 'haproxy' | 'kube-vip' | 'external';

export interface LabHost {
  name: string;
  address: string;
  role: LabRole;
}

/** `<labDir>/lab.json`, written by `lab up`, read by everything (including commands run inside hosts). */
export interface LabConfig {
  dir: string;
  /** 3600 makes one real hour pass in one second: certificate-key TTL 2 h -> 2 s. */
  timeScale: number;
  /** Multiplies the modelled command latencies (init ~60 s, CP join ~40 s, worker join ~15 s) after time scaling. */
  latencyScale: number;
  loadBalancer: LabLoadBalancer;
  vip: string;
  apiServerPort: number;
  kubernetesVersion: string;
  hosts: LabHost[];
  /** `external` only: false when the lab's HAProxy does not health-check the API servers (default true). */
  loadBalancerHealthChecks?: boolean;
}

/** Real paths on a host that each simulated host sees privately (bind-mounted from its root). */
export const HOST_PRIVATE_DIRS = [
  '/etc/kubernetes',
  '/etc/kubeha',
  '/var/lib/kubeha',
  '/var/lib/etcd',
  '/var/lib/kubelet',
  '/etc/haproxy',
  '/etc/keepalived',
  '/etc/cni/net.d',
  '/etc/kubeha-lab',
  '/run/containerd',
  '/run/kubeha-lab',
  '/var/log/kubeha-lab',
  '/sys/class/net',
] as const;

/** Inside a host: who am I. JSON of `HostIdentity`. */
export const HOST_IDENTITY_FILE = '/etc/kubeha-lab/host.json';

export interface HostIdentity {
  name: string;
  address: string;
  labDir: string;
}

/** Simulated node software is bind-mounted here in every host (first on root's PATH). */
export const HOST_SIM_BIN = '/usr/local/sbin';

export function labPaths(labDir: string) {
  return {
    config: path.join(labDir, 'lab.json'),
    store: path.join(labDir, 'store.json'),
    faults: path.join(labDir, 'faults.json'),
    clusterSpec: path.join(labDir, 'cluster.yaml'),
    privateKey: path.join(labDir, 'id_ed25519'),
    knownHosts: path.join(labDir, 'known_hosts'),
    simBin: path.join(labDir, 'sim-bin'),
    hostRoot: (host: string) => path.join(labDir, 'hosts', host),
    /** The per-host directory that is bind-mounted over `realPath` inside that host. */
    hostPrivate: (host: string, realPath: string) => path.join(labDir, 'hosts', host, 'root', realPath),
  };
}
