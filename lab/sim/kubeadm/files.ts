/** What kubeadm writes under /etc/kubernetes: kubeconfigs and static Pod manifests. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { hostPath } from '../context';
import { releaseOf } from '../../../src/spec/version';
import { createLeaf } from '../pki';
import type { DeepReadonly, ExternalEtcd } from '../store';

export const K8S_DIR = '/etc/kubernetes';
export const PKI_DIR = '/etc/kubernetes/pki';
export const MANIFESTS_DIR = '/etc/kubernetes/manifests';

export const pki = () => hostPath(PKI_DIR);

export interface KubeconfigSpec {
  file: string;
  user: string;
  cn: string;
  org?: string;
  server: string;
  clusterName: string;
}

const b64 = (file: string) => readFileSync(file).toString('base64');

/** One kubeconfig with an embedded client certificate signed by the cluster CA. */
export async function writeKubeconfig(spec: KubeconfigSpec): Promise<void> {
  const tmpName = `.kubeconfig-${path.basename(spec.file, '.conf')}`;
  await createLeaf(pki(), { name: tmpName, ca: 'ca', cn: spec.cn, org: spec.org, usage: 'client' });
  const crt = path.join(pki(), `${tmpName}.crt`);
  const key = path.join(pki(), `${tmpName}.key`);
  const ctxName = `${spec.user}@${spec.clusterName}`;
  const config = {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': b64(path.join(pki(), 'ca.crt')), server: spec.server }, name: spec.clusterName }],
    contexts: [{ context: { cluster: spec.clusterName, user: spec.user }, name: ctxName }],
    'current-context': ctxName,
    kind: 'Config',
    preferences: {},
    users: [{ name: spec.user, user: { 'client-certificate-data': b64(crt), 'client-key-data': b64(key) } }],
  };
  writeFileSync(hostPath(path.posix.join(K8S_DIR, spec.file)), stringify(config), { mode: 0o600 });
  rmSync(crt, { force: true });
  rmSync(key, { force: true });
}

export function minorOf(version: string): number {
  return Number(/^v?\d+\.(\d+)/.exec(version)?.[1] ?? 0);
}

/** From v1.29 `kubeadm init` writes super-admin.conf (system:masters) and admin.conf gets its rights through RBAC. */
const hasSuperAdminConf = (kubernetesVersion: string) => releaseOf(kubernetesVersion).superAdminConf;

export interface ControlPlaneKubeconfigs {
  nodeName: string;
  clusterName: string;
  /** https://<controlPlaneEndpoint> for admin/kubelet, https://<advertise>:<port> for the components. */
  endpointUrl: string;
  localUrl: string;
  kubernetesVersion: string;
  /** A joining control plane gets no super-admin.conf, and its kubelet.conf comes from the TLS bootstrap. */
  joining?: boolean;
}

export async function writeControlPlaneKubeconfigs(k: ControlPlaneKubeconfigs): Promise<string[]> {
  const admin = hasSuperAdminConf(k.kubernetesVersion)
    ? { cn: 'kubernetes-admin', org: 'kubeadm:cluster-admins' }
    : { cn: 'kubernetes-admin', org: 'system:masters' };
  const specs: KubeconfigSpec[] = [
    { file: 'admin.conf', user: 'kubernetes-admin', ...admin, server: k.endpointUrl, clusterName: k.clusterName },
    { file: 'kubelet.conf', user: `system:node:${k.nodeName}`, cn: `system:node:${k.nodeName}`, org: 'system:nodes', server: k.endpointUrl, clusterName: k.clusterName },
    { file: 'controller-manager.conf', user: 'system:kube-controller-manager', cn: 'system:kube-controller-manager', server: k.localUrl, clusterName: k.clusterName },
    { file: 'scheduler.conf', user: 'system:kube-scheduler', cn: 'system:kube-scheduler', server: k.localUrl, clusterName: k.clusterName },
  ];
  if (k.joining) specs.splice(1, 1);
  else if (hasSuperAdminConf(k.kubernetesVersion)) {
    specs.splice(1, 0, { file: 'super-admin.conf', user: 'kubernetes-super-admin', cn: 'kubernetes-super-admin', org: 'system:masters', server: k.endpointUrl, clusterName: k.clusterName });
  }
  await Promise.all(specs.map((s) => writeKubeconfig(s)));
  return specs.map((s) => s.file);
}

/** The token kubeconfig the kubelet's TLS bootstrap starts from (kubeadm join's kubelet-start). */
export function writeBootstrapKubeletKubeconfig(token: string, server: string, caCert: string, clusterName: string): void {
  const user = 'tls-bootstrap-token-user';
  const config = {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(caCert).toString('base64'), server }, name: clusterName }],
    contexts: [{ context: { cluster: clusterName, user }, name: `${user}@${clusterName}` }],
    'current-context': `${user}@${clusterName}`,
    kind: 'Config',
    preferences: {},
    users: [{ name: user, user: { token } }],
  };
  writeFileSync(hostPath(path.posix.join(K8S_DIR, 'bootstrap-kubelet.conf')), stringify(config), { mode: 0o600 });
}

function pod(name: string, image: string, command: string[], extra: Record<string, unknown> = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { labels: { component: name, tier: 'control-plane' }, name, namespace: 'kube-system', ...extra },
    spec: {
      containers: [{ command, image, imagePullPolicy: 'IfNotPresent', name }],
      hostNetwork: true,
      priority: 2000001000,
      priorityClassName: 'system-node-critical',
    },
  });
}

export interface EtcdManifest {
  nodeName: string;
  address: string;
  initialCluster: string;
  existing: boolean;
  /** registry.k8s.io/etcd:TAG, see etcd-version.ts. */
  image: string;
}

/**
 * kubeadm's etcd.yaml, except that etcd listens on the host's own address only (real kubeadm
 * adds 127.0.0.1:2379 and metrics on 127.0.0.1:2381, which every lab host would share).
 */
export function renderEtcdManifest(m: EtcdManifest): string {
  const e = '/etc/kubernetes/pki/etcd';
  const command = [
    'etcd',
    `--advertise-client-urls=https://${m.address}:2379`,
    `--cert-file=${e}/server.crt`,
    '--client-cert-auth=true',
    '--data-dir=/var/lib/etcd',
    `--initial-advertise-peer-urls=https://${m.address}:2380`,
    `--initial-cluster=${m.initialCluster}`,
    ...(m.existing ? ['--initial-cluster-state=existing'] : []),
    `--key-file=${e}/server.key`,
    `--listen-client-urls=https://${m.address}:2379`,
    `--listen-metrics-urls=http://${m.address}:2381`,
    `--listen-peer-urls=https://${m.address}:2380`,
    `--name=${m.nodeName}`,
    `--peer-cert-file=${e}/peer.crt`,
    '--peer-client-cert-auth=true',
    `--peer-key-file=${e}/peer.key`,
    `--peer-trusted-ca-file=${e}/ca.crt`,
    '--snapshot-count=10000',
    `--trusted-ca-file=${e}/ca.crt`,
  ];
  return pod('etcd', m.image, command, {
    annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${m.address}:2379` },
  });
}

export interface ControlPlaneManifests {
  address: string;
  bindPort: number;
  kubernetesVersion: string;
  serviceSubnet: string;
  podSubnet?: string;
  clusterName: string;
  /** etcd.external: the API server talks to these endpoints with the user's files (kubeadm's controlplane/manifests.go). */
  externalEtcd?: DeepReadonly<ExternalEtcd>;
}

/** --etcd-* of kube-apiserver: the local member over kubeadm's PKI, or the external cluster with the configured files. */
function etcdFlags(m: ControlPlaneManifests): string[] {
  const p = PKI_DIR;
  const e = m.externalEtcd;
  if (!e) {
    return [`--etcd-cafile=${p}/etcd/ca.crt`, `--etcd-certfile=${p}/apiserver-etcd-client.crt`, `--etcd-keyfile=${p}/apiserver-etcd-client.key`, `--etcd-servers=https://${m.address}:2379`];
  }
  return [
    ...(e.caFile ? [`--etcd-cafile=${e.caFile}`] : []),
    ...(e.certFile && e.keyFile ? [`--etcd-certfile=${e.certFile}`, `--etcd-keyfile=${e.keyFile}`] : []),
    `--etcd-servers=${e.endpoints.join(',')}`,
  ];
}

export function renderApiServerManifest(m: ControlPlaneManifests): string {
  const p = PKI_DIR;
  return pod('kube-apiserver', `registry.k8s.io/kube-apiserver:${m.kubernetesVersion}`, [
    'kube-apiserver',
    `--advertise-address=${m.address}`,
    '--allow-privileged=true',
    '--authorization-mode=Node,RBAC',
    `--client-ca-file=${p}/ca.crt`,
    '--enable-admission-plugins=NodeRestriction',
    '--enable-bootstrap-token-auth=true',
    ...etcdFlags(m),
    `--kubelet-client-certificate=${p}/apiserver-kubelet-client.crt`,
    `--kubelet-client-key=${p}/apiserver-kubelet-client.key`,
    `--proxy-client-cert-file=${p}/front-proxy-client.crt`,
    `--proxy-client-key-file=${p}/front-proxy-client.key`,
    `--requestheader-client-ca-file=${p}/front-proxy-ca.crt`,
    `--secure-port=${m.bindPort}`,
    `--service-account-key-file=${p}/sa.pub`,
    `--service-account-signing-key-file=${p}/sa.key`,
    `--service-cluster-ip-range=${m.serviceSubnet}`,
    `--tls-cert-file=${p}/apiserver.crt`,
    `--tls-private-key-file=${p}/apiserver.key`,
  ], { annotations: { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${m.address}:${m.bindPort}` } });
}

export function renderControllerManagerManifest(m: ControlPlaneManifests): string {
  return pod('kube-controller-manager', `registry.k8s.io/kube-controller-manager:${m.kubernetesVersion}`, [
    'kube-controller-manager',
    `--bind-address=${m.address}`,
    ...(m.podSubnet ? ['--allocate-node-cidrs=true', `--cluster-cidr=${m.podSubnet}`] : []),
    `--cluster-name=${m.clusterName}`,
    '--kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--leader-elect=true',
    `--service-cluster-ip-range=${m.serviceSubnet}`,
    '--use-service-account-credentials=true',
  ]);
}

export function renderSchedulerManifest(m: ControlPlaneManifests): string {
  return pod('kube-scheduler', `registry.k8s.io/kube-scheduler:${m.kubernetesVersion}`, [
    'kube-scheduler',
    `--bind-address=${m.address}`,
    '--kubeconfig=/etc/kubernetes/scheduler.conf',
    '--leader-elect=true',
  ]);
}

export function writeManifest(name: string, content: string): void {
  mkdirSync(hostPath(MANIFESTS_DIR), { recursive: true });
  writeFileSync(hostPath(path.posix.join(MANIFESTS_DIR, `${name}.yaml`)), content, { mode: 0o600 });
}

export function writeControlPlaneManifests(m: ControlPlaneManifests): void {
  writeManifest('kube-apiserver', renderApiServerManifest(m));
  writeManifest('kube-controller-manager', renderControllerManagerManifest(m));
  writeManifest('kube-scheduler', renderSchedulerManifest(m));
}

/**
 * /var/lib/kubelet/config.yaml and kubeadm-flags.env as kubeadm's kubelet-start phase writes them
 * (--hostname-override only when the node name is not the host name).
 */
export function writeKubeletFiles(criSocket: string, nodeIp: string, nodeName: string, hostname: string): void {
  mkdirSync(hostPath('/var/lib/kubelet'), { recursive: true });
  writeFileSync(hostPath('/var/lib/kubelet/config.yaml'), stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    cgroupDriver: 'systemd',
    clusterDNS: ['10.96.0.10'],
    clusterDomain: 'cluster.local',
    // kubeadm's default: the kubelet renews its client certificate (kubelet-client-current.pem) itself.
    rotateCertificates: true,
    staticPodPath: MANIFESTS_DIR,
  }));
  const override = nodeName === hostname ? '' : ` --hostname-override=${nodeName}`;
  writeFileSync(hostPath('/var/lib/kubelet/kubeadm-flags.env'), `KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=${criSocket}${override} --node-ip=${nodeIp} --pod-infra-container-image=registry.k8s.io/pause:3.9"\n`);
}
