import { stringify } from 'yaml';
import type { HostSpec } from '../spec/types';
import { assertImage, assertInterface, assertIp, assertNodeName, assertPort } from './assert';
import { initHost } from './cluster';
import type { RenderCluster } from './cluster';
import { releaseOf } from '../spec/version';

export const KUBE_VIP_MANIFEST_PATH = '/etc/kubernetes/manifests/kube-vip.yaml';
const ADMIN_CONF = '/etc/kubernetes/admin.conf';
/** system:masters, outside RBAC and unrevocable: mounted only while `kubeadm init` runs. */
export const SUPER_ADMIN_CONF = '/etc/kubernetes/super-admin.conf';

export interface KubeVipRenderOptions {
  /** Once `kubeadm init` is done the first control plane switches back to admin.conf, as kube-vip's docs advise. */
  afterInit?: boolean;
}

/**
 * Since Kubernetes v1.29 the admin.conf that `kubeadm init` writes only gains its RBAC after
 * the API server is up, so kube-vip on the first control plane must use super-admin.conf
 * during init (kube-vip docs, "kubeadm init" note). Joining control planes use admin.conf.
 */
export function kubeVipKubeconfig(cluster: RenderCluster, host: HostSpec, opts: KubeVipRenderOptions = {}): string {
  return !opts.afterInit && kubeVipNeedsSuperAdminDuringInit(cluster, host) ? SUPER_ADMIN_CONF : ADMIN_CONF;
}

/**
 * True for the first control plane from v1.29 on: its manifest is written with super-admin.conf
 * before init and must be written again with `{ afterInit: true }` once its API server answers.
 */
export function kubeVipNeedsSuperAdminDuringInit(cluster: RenderCluster, host: HostSpec): boolean {
  return initHost(cluster).name === host.name && releaseOf(cluster.kubernetesVersion).superAdminConf;
}

/** The static pod `kube-vip manifest pod --arp --controlplane --leaderElection` prints, for one control plane. */
export function renderKubeVipManifest(cluster: RenderCluster, host: HostSpec, opts: KubeVipRenderOptions = {}): string {
  const lb = cluster.loadBalancer;
  if (lb.type !== 'kube-vip') throw new Error(`loadBalancer type is ${lb.type}, not kube-vip`);
  assertNodeName('control-plane name', host.name);
  const vip = assertIp('loadBalancer.vip', lb.vip);
  const port = assertPort('loadBalancer.port', lb.port);
  const iface = assertInterface('loadBalancer.interface', lb.interface);
  const image = assertImage('loadBalancer.image', lb.image);
  const kubeconfig = kubeVipKubeconfig(cluster, host, opts);
  const env = (name: string, value: string) => ({ name, value });
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kube-vip', namespace: 'kube-system' },
    spec: {
      containers: [
        {
          args: ['manager'],
          env: [
            env('vip_arp', 'true'),
            env('port', String(port)),
            { name: 'vip_nodename', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            env('vip_interface', iface),
            env('vip_cidr', vip.includes(':') ? '128' : '32'),
            env('dns_mode', 'first'),
            env('cp_enable', 'true'),
            env('cp_namespace', 'kube-system'),
            env('vip_leaderelection', 'true'),
            env('vip_leasename', 'plndr-cp-lock'),
            env('vip_leaseduration', '5'),
            env('vip_renewdeadline', '3'),
            env('vip_retryperiod', '1'),
            env('vip_address', vip),
            env('prometheus_server', ':2112'),
          ],
          image,
          imagePullPolicy: 'IfNotPresent',
          name: 'kube-vip',
          resources: {},
          securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
          volumeMounts: [{ mountPath: '/etc/kubernetes/admin.conf', name: 'kubeconfig' }],
        },
      ],
      hostAliases: [{ hostnames: ['kubernetes'], ip: '127.0.0.1' }],
      hostNetwork: true,
      volumes: [{ hostPath: { path: kubeconfig }, name: 'kubeconfig' }],
    },
  };
  return stringify(pod, { lineWidth: 0 });
}
