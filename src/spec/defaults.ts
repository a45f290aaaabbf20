/** Values a spec gets when it leaves a field out. */
export const DEFAULTS = {
  ssh: {
    user: 'root',
    port: 22,
    privateKey: '~/.ssh/id_ed25519',
    knownHosts: '~/.ssh/known_hosts',
    acceptNewHostKeys: false,
    connectTimeout: '10s',
  },
  imageRepository: 'registry.k8s.io',
  criSocket: 'unix:///run/containerd/containerd.sock',
  cgroupDriver: 'systemd',
  kubeProxyMode: 'iptables',
  dnsDomain: 'cluster.local',
  cni: 'calico',
  certificateKey: { ttl: '2h', renewBefore: '15m' },
  joinToken: { ttl: '24h', renewBefore: '1h', keep: false },
  controlPlaneJoins: 'parallel',
  maxConcurrentJoins: 10,
  apiServerPort: 6443,
  kubeVipImage: 'ghcr.io/kube-vip/kube-vip:v0.8.9',
  virtualRouterId: 51,
} as const;

export const BUILTIN_CNIS = ['calico', 'flannel'] as const;
