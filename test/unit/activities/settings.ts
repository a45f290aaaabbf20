import type { ClusterSettings } from '../../../src/activities/types';
import type { HostSpec, SshSpec } from '../../../src/spec/types';

const ssh: SshSpec = { user: 'root', port: 22, privateKey: '/k', knownHosts: '/kh', acceptNewHostKeys: false, sudo: false, connectTimeoutMs: 5000 };

export const host = (name: string, address: string, role: HostSpec['role'] = 'control-plane'): HostSpec => ({ name, address, role, ssh });

export const CP1 = host('cp1', '10.0.0.11');
export const CP2 = host('cp2', '10.0.0.12');
export const W1 = host('w1', '10.0.0.21', 'worker');

export const CLUSTER: ClusterSettings = {
  name: 'prod',
  kubernetesVersion: 'v1.31.2',
  controlPlaneEndpoint: '10.0.0.10:6443',
  loadBalancer: { type: 'kube-vip', vip: '10.0.0.10', port: 6443, interface: 'eth0', image: 'ghcr.io/kube-vip/kube-vip:v0.8.0' },
  etcd: { topology: 'stacked' },
  networking: { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12', dnsDomain: 'cluster.local', cni: 'calico' },
  imageRepository: 'registry.k8s.io',
  criSocket: 'unix:///run/containerd/containerd.sock',
  cgroupDriver: 'systemd',
  kubeProxyMode: 'iptables',
  extraArgs: { apiServer: {}, controllerManager: {}, scheduler: {} },
  certificateKey: { ttlMs: 2 * 3600_000, renewBeforeMs: 10 * 60_000 },
  joinToken: { ttlMs: 24 * 3600_000, renewBeforeMs: 3600_000 },
  approvals: [],
  controlPlaneJoins: 'serial',
  workers: { maxConcurrentJoins: 10 },
  preflight: { fix: false, ignore: [] },
  ssh,
  controlPlanes: [CP1, CP2],
};
