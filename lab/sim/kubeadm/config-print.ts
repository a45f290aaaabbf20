/** `kubeadm config print init-defaults|join-defaults` (v1beta4, kubeadm 1.31+ style). */
import type { SimContext } from '../context';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { out } from '../output';

const INIT = `apiVersion: kubeadm.k8s.io/v1beta3
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: abcdef.0123456789abcdef
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 1.2.3.4
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  name: node
  taints: null
---
apiServer:
  timeoutForControlPlane: 4m0s
apiVersion: kubeadm.k8s.io/v1beta3
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns: {}
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: VERSION
networking:
  dnsDomain: cluster.local
  serviceSubnet: 10.96.0.0/12
scheduler: {}
`;

const JOIN = `apiVersion: kubeadm.k8s.io/v1beta3
caCertPath: /etc/kubernetes/pki/ca.crt
discovery:
  bootstrapToken:
    apiServerEndpoint: kube-apiserver:6443
    token: abcdef.0123456789abcdef
    unsafeSkipCAVerification: true
  timeout: 5m0s
  tlsBootstrapToken: abcdef.0123456789abcdef
kind: JoinConfiguration
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  name: node
  taints: null
`;

export async function printDefaults(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const what = p.positional[2];
  if (what === 'init-defaults') out(INIT.replace('VERSION', ctx.config.kubernetesVersion.replace(/\.\d+$/, '.0')));
  else if (what === 'join-defaults') out(JOIN);
  else throw new SimExit(`unknown command "${what ?? ''}" for "kubeadm config print"`, 1);
  return 0;
}
