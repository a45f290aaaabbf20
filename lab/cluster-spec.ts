import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { LabConfig, LabLoadBalancer } from './layout';
import { labPaths } from './layout';
import { EXTERNAL_ETCD_FILES, etcdClientUrl, etcdHosts } from './hosts/external-etcd';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Real kubeadm lifetimes, before time scaling. */
const CERTIFICATE_KEY = { ttlMs: 2 * HOUR_MS, renewBeforeMs: 15 * MINUTE_MS };
const JOIN_TOKEN = { ttlMs: 24 * HOUR_MS, renewBeforeMs: HOUR_MS };

/** A real duration shrunk by the lab's time scale, as a spec duration string (`2000ms`). */
export function scaledDuration(realMs: number, timeScale: number): string {
  return `${Math.max(1, Math.round(realMs / timeScale))}ms`;
}

const SPEC_LB_TYPE: Record<LabLoadBalancer, string> = {
  'kube-vip': 'kube-vip',
  haproxy: 'haproxy-keepalived',
  external: 'external',
};

export interface ClusterSpecInput {
  config: LabConfig;
  name?: string;
}

export function renderClusterSpec({ config, name = 'lab' }: ClusterSpecInput): string {
  const paths = labPaths(config.dir);
  const lifetime = (l: { ttlMs: number; renewBeforeMs: number }) => ({
    ttl: scaledDuration(l.ttlMs, config.timeScale),
    renewBefore: scaledDuration(l.renewBeforeMs, config.timeScale),
  });
  const type = SPEC_LB_TYPE[config.loadBalancer];
  const loadBalancer = type === 'external' ? { type } : { type, vip: config.vip, interface: 'eth0' };
  const etcdMembers = etcdHosts(config);
  // The lab's external etcd, and the files `lab up` copied to the first control plane as the user would.
  const etcd = etcdMembers.length > 0 ? { etcd: { topology: 'external', endpoints: etcdMembers.map(etcdClientUrl), ...EXTERNAL_ETCD_FILES } } : {};
  const doc = {
    apiVersion: 'kubeha.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name },
    spec: {
      kubernetesVersion: config.kubernetesVersion,
      controlPlaneEndpoint: `${config.vip}:${config.apiServerPort}`,
      loadBalancer,
      ...etcd,
      networking: { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12', cni: 'calico' },
      certificateKey: lifetime(CERTIFICATE_KEY),
      joinToken: lifetime(JOIN_TOKEN),
      // Lab hosts boot like fresh machines (swap on, no br_netfilter, ip_forward 0): let kubeha fix them.
      preflight: { fix: true },
      ssh: { user: 'root', port: 22, privateKey: paths.privateKey, knownHosts: paths.knownHosts },
      hosts: config.hosts.filter((h) => h.role !== 'etcd').map((h) => ({ name: h.name, address: h.address, role: h.role })),
    },
  };
  return `# Written by \`kubeha lab up\` for the lab in ${config.dir}\n${stringify(doc)}`;
}

export async function writeClusterSpec(input: ClusterSpecInput): Promise<string> {
  const file = labPaths(input.config.dir).clusterSpec;
  await writeFile(file, renderClusterSpec(input));
  return file;
}
