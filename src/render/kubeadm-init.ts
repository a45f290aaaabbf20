import { endpointOf, firstControlPlane, controlPlanes } from '../spec/hosts';
import type { ClusterSpec, HostSpec } from '../spec/types';
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
  bootstrapToken?: { token: string; ttlMs: number };
}

/** API server port on every control plane (kube-vip forwards nothing: the VIP lands on the API server itself). */
export function apiServerBindPort(spec: ClusterSpec): number {
  return spec.loadBalancer.type === 'kube-vip' ? spec.loadBalancer.port : 6443;
}

export function certSans(spec: ClusterSpec): string[] {
  const sans = controlPlanes(spec).flatMap((h) => [h.name, h.address]);
  sans.push(endpointOf(spec).host);
  if (spec.loadBalancer.type !== 'external') sans.push(spec.loadBalancer.vip);
  return [...new Set(sans)];
}

export function kubeadmNodeRegistration(spec: ClusterSpec, host: HostSpec, api: KubeadmApi): Record<string, unknown> {
  return { name: host.name, criSocket: spec.criSocket, kubeletExtraArgs: extraArgsFor(api, { 'node-ip': host.address }) };
}

function component(api: KubeadmApi, key: string, args: Record<string, string>): Record<string, object> {
  return Object.keys(args).length === 0 ? {} : { [key]: withExtraArgs(api, {}, args) };
}

export function renderKubeadmInit(spec: ClusterSpec, opts: InitRenderOptions = {}): string {
  const api = kubeadmApiFor(spec.kubernetesVersion);
  const host = opts.host ?? firstControlPlane(spec);
  const init: Record<string, unknown> = {
    apiVersion: api,
    kind: 'InitConfiguration',
    ...(opts.bootstrapToken
      ? { bootstrapTokens: [{ token: opts.bootstrapToken.token, ttl: `${Math.round(opts.bootstrapToken.ttlMs / 1000)}s`, usages: ['signing', 'authentication'], groups: ['system:bootstrappers:kubeadm:default-node-token'] }] }
      : {}),
    ...(opts.certificateKey ? { certificateKey: opts.certificateKey } : {}),
    nodeRegistration: kubeadmNodeRegistration(spec, host, api),
    localAPIEndpoint: { advertiseAddress: host.address, bindPort: apiServerBindPort(spec) },
  };
  const cps = controlPlanes(spec);
  const etcd =
    spec.etcd.topology === 'external'
      ? { external: { endpoints: spec.etcd.endpoints, caFile: spec.etcd.caFile, certFile: spec.etcd.certFile, keyFile: spec.etcd.keyFile } }
      : { local: { serverCertSANs: cps.flatMap((h) => [h.name, h.address]), peerCertSANs: cps.map((h) => h.address) } };
  const cluster = {
    apiVersion: api,
    kind: 'ClusterConfiguration',
    clusterName: spec.name,
    kubernetesVersion: spec.kubernetesVersion,
    controlPlaneEndpoint: spec.controlPlaneEndpoint,
    imageRepository: spec.imageRepository,
    networking: { podSubnet: spec.networking.podSubnet, serviceSubnet: spec.networking.serviceSubnet, dnsDomain: spec.networking.dnsDomain },
    etcd,
    apiServer: withExtraArgs(api, { certSANs: certSans(spec) }, spec.extraArgs.apiServer),
    ...component(api, 'controllerManager', spec.extraArgs.controllerManager),
    ...component(api, 'scheduler', spec.extraArgs.scheduler),
  };
  const kubelet = { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupDriver: spec.cgroupDriver };
  const kubeProxy = { apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', mode: spec.kubeProxyMode };
  return yamlDocuments([init, cluster, kubelet, kubeProxy]);
}
