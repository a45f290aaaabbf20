import { endpointOf } from '../spec/hosts';
import { releaseOf } from '../spec/version';
import type { HostSpec } from '../spec/types';
import { initHost } from './cluster';
import type { RenderCluster } from './cluster';
import { extraArgsFor, kubeadmApiFor, withExtraArgs } from './kubeadm-api';
import type { KubeadmApi } from './kubeadm-api';
import { yamlDocuments } from './yaml-docs';

export interface InitRenderOptions {
  /** The control plane running `kubeadm init` (default: the first one). */
  host?: HostSpec;
  /**
   * Secrets are normally passed to kubeadm on its command line by the activity. Set these only
   * when the file itself must carry them (it then has to be written with mode 0600).
   */
  certificateKey?: string;
  /** kubeadm counts token TTLs in whole seconds and reads 0s as "never expires", so this rounds up to at least 1s. */
  bootstrapToken?: { token: string; ttlMs: number };
}

/**
 * The port every API server listens on. With kube-vip clients reach an API server directly on the
 * VIP, so it is the endpoint's port; behind HAProxy or an external LB it stays kubeadm's 6443.
 */
export function apiServerBindPort(cluster: RenderCluster): number {
  return cluster.loadBalancer.type === 'kube-vip' ? cluster.loadBalancer.port : 6443;
}

export function certSans(cluster: RenderCluster): string[] {
  const sans = cluster.controlPlanes.flatMap((h) => [h.name, h.address]);
  sans.push(endpointOf(cluster).host);
  if (cluster.loadBalancer.type !== 'external') sans.push(cluster.loadBalancer.vip);
  return [...new Set(sans)];
}

export function kubeadmNodeRegistration(cluster: RenderCluster, host: HostSpec, api: KubeadmApi): Record<string, unknown> {
  const ignore = cluster.preflight.ignore;
  return {
    name: host.name,
    criSocket: cluster.criSocket,
    kubeletExtraArgs: extraArgsFor(api, { 'node-ip': host.address }),
    ...(ignore.length > 0 ? { ignorePreflightErrors: ignore } : {}),
  };
}

/**
 * CoreDNS's image lives at `<registry>/coredns/coredns`, but kubeadm before v1.25 adds the
 * `coredns/` sub-path only for its old default k8s.gcr.io: given registry.k8s.io it would pull
 * `registry.k8s.io/coredns:TAG`. Naming the DNS repository is right on every patch release.
 */
function dnsImageRepository(cluster: RenderCluster): Record<string, object> {
  const old = releaseOf(cluster.kubernetesVersion).defaultImageRepository !== 'registry.k8s.io';
  return old && cluster.imageRepository === 'registry.k8s.io' ? { dns: { imageRepository: 'registry.k8s.io/coredns' } } : {};
}

function component(api: KubeadmApi, key: string, args: Record<string, string>): Record<string, object> {
  return Object.keys(args).length === 0 ? {} : { [key]: withExtraArgs(api, {}, args) };
}

export function renderKubeadmInit(cluster: RenderCluster, opts: InitRenderOptions = {}): string {
  const api = kubeadmApiFor(cluster.kubernetesVersion);
  const host = opts.host ?? initHost(cluster);
  const init: Record<string, unknown> = {
    apiVersion: api,
    kind: 'InitConfiguration',
    ...(opts.bootstrapToken
      ? { bootstrapTokens: [{ token: opts.bootstrapToken.token, ttl: `${Math.max(1, Math.ceil(opts.bootstrapToken.ttlMs / 1000))}s`, usages: ['signing', 'authentication'], groups: ['system:bootstrappers:kubeadm:default-node-token'] }] }
      : {}),
    ...(opts.certificateKey ? { certificateKey: opts.certificateKey } : {}),
    nodeRegistration: kubeadmNodeRegistration(cluster, host, api),
    localAPIEndpoint: { advertiseAddress: host.address, bindPort: apiServerBindPort(cluster) },
  };
  const cps = cluster.controlPlanes;
  const etcd =
    cluster.etcd.topology === 'external'
      ? { external: { endpoints: cluster.etcd.endpoints, caFile: cluster.etcd.caFile, certFile: cluster.etcd.certFile, keyFile: cluster.etcd.keyFile } }
      : { local: { serverCertSANs: cps.flatMap((h) => [h.name, h.address]), peerCertSANs: cps.map((h) => h.address) } };
  const clusterConfiguration = {
    apiVersion: api,
    kind: 'ClusterConfiguration',
    clusterName: cluster.name,
    kubernetesVersion: cluster.kubernetesVersion,
    controlPlaneEndpoint: cluster.controlPlaneEndpoint,
    imageRepository: cluster.imageRepository,
    networking: { podSubnet: cluster.networking.podSubnet, serviceSubnet: cluster.networking.serviceSubnet, dnsDomain: cluster.networking.dnsDomain },
    ...dnsImageRepository(cluster),
    etcd,
    apiServer: withExtraArgs(api, { certSANs: certSans(cluster) }, cluster.extraArgs.apiServer),
    ...component(api, 'controllerManager', cluster.extraArgs.controllerManager),
    ...component(api, 'scheduler', cluster.extraArgs.scheduler),
  };
  const kubelet = { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupDriver: cluster.cgroupDriver };
  const kubeProxy = { apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', mode: cluster.kubeProxyMode };
  return yamlDocuments([init, clusterConfiguration, kubelet, kubeProxy]);
}
