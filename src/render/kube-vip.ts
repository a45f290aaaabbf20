import { stringify } from 'yaml';
import type { HostSpec } from '../spec/types';
import { initHost } from './cluster';
import type { RenderCluster } from './cluster';
import { minorOf } from '../spec/version';

export const KUBE_VIP_MANIFEST_PATH = '/etc/kubernetes/manifests/kube-vip.yaml';

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
  const first = initHost(cluster).name === host.name && !opts.afterInit;
  return first && minorOf(cluster.kubernetesVersion) >= 29 ? '/etc/kubernetes/super-admin.conf' : '/etc/kubernetes/admin.conf';
}

/** The static pod `kube-vip manifest pod --arp --controlplane --leaderElection` prints, for one control plane. */
export function renderKubeVipManifest(cluster: RenderCluster, host: HostSpec, opts: KubeVipRenderOptions = {}): string {
  const lb = cluster.loadBalancer;
  if (lb.type !== 'kube-vip') throw new Error(`loadBalancer type is ${lb.type}, not kube-vip`);
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
            env('port', String(lb.port)),
            { name: 'vip_nodename', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            env('vip_interface', lb.interface),
            env('vip_cidr', lb.vip.includes(':') ? '128' : '32'),
            env('dns_mode', 'first'),
            env('cp_enable', 'true'),
            env('cp_namespace', 'kube-system'),
            env('vip_leaderelection', 'true'),
            env('vip_leasename', 'plndr-cp-lock'),
            env('vip_leaseduration', '5'),
            env('vip_renewdeadline', '3'),
            env('vip_retryperiod', '1'),
            env('vip_address', lb.vip),
            env('prometheus_server', ':2112'),
          ],
          image: lb.image,
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
