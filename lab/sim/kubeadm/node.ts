/** Node objects and their pods in the store, as the kubelet's registration and addons create them. */
import type { SimContext } from '../context';
import { readNodeState, packageGitVersion } from '../node-state';
import type { LabStore } from '../store';

export const CONTROL_PLANE_PODS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

export function registerNode(store: LabStore, ctx: SimContext, name: string, address: string, controlPlane: boolean): void {
  const now = Date.now();
  const prev = store.nodes[name];
  store.nodes[name] = {
    name,
    address,
    controlPlane,
    kubeletVersion: packageGitVersion(readNodeState(), 'kubelet') || ctx.config.kubernetesVersion,
    createdAt: prev?.createdAt ?? now,
    heartbeatAt: prev?.heartbeatAt,
  };
  store.pods = store.pods.filter((p) => p.node !== name);
  if (controlPlane) {
    for (const c of CONTROL_PLANE_PODS) store.pods.push({ namespace: 'kube-system', name: `${c}-${name}`, node: name, createdAt: now, static: true });
  }
  store.pods.push({ namespace: 'kube-system', name: `kube-proxy-${name.replace(/[^a-z0-9]/g, '').slice(0, 5)}`, node: name, createdAt: now });
  const cniPod = store.cni ? CNI_DAEMONSET_POD[store.cni.name] : undefined;
  if (cniPod) store.pods.push({ namespace: cniPod.namespace, name: `${cniPod.prefix}${name.replace(/[^a-z0-9]/g, '').slice(0, 5)}`, node: name, createdAt: now });
}

/** The per-node pod of each CNI's DaemonSet, for nodes that join after the CNI was applied. */
const CNI_DAEMONSET_POD: Record<string, { namespace: string; prefix: string }> = {
  calico: { namespace: 'kube-system', prefix: 'calico-node-' },
  flannel: { namespace: 'kube-flannel', prefix: 'kube-flannel-ds-' },
  cilium: { namespace: 'kube-system', prefix: 'cilium-' },
  cni: { namespace: 'kube-system', prefix: 'cni-node-' },
};

export function removeNode(store: LabStore, name: string): void {
  delete store.nodes[name];
  store.pods = store.pods.filter((p) => p.node !== name);
}
