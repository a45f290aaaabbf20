/** Node objects and their pods in the store, as the kubelet's registration, static Pods and addons create them. */
import type { SimContext } from '../context';
import { readNodeState, packageGitVersion } from '../node-state';
import type { LabStore, StoreView } from '../store';

const podSuffix = (node: string) => node.replace(/[^a-z0-9]/g, '').slice(0, 5);

/**
 * The kubelet registering its Node: an existing Node at the same address is kept as it is (a
 * restarted kubelet); a new one starts unlabelled, with the pods of the DaemonSets that exist.
 */
export function registerNode(store: LabStore, ctx: SimContext, name: string, address: string): void {
  const prev = store.nodes[name];
  if (prev?.address === address) return;
  const now = Date.now();
  store.nodes[name] = {
    name,
    address,
    controlPlane: false,
    kubeletVersion: packageGitVersion(readNodeState(), 'kubelet') || ctx.config.kubernetesVersion,
    createdAt: prev?.createdAt ?? now,
  };
  store.pods = store.pods.filter((p) => p.node !== name);
  if (store.addons?.includes('kube-proxy')) store.pods.push(kubeProxyPod(name, now));
  const cniPod = store.cni ? CNI_DAEMONSET_POD[store.cni.name] : undefined;
  if (cniPod) store.pods.push({ namespace: cniPod.namespace, name: `${cniPod.prefix}${podSuffix(name)}`, node: name, createdAt: now });
}

export function kubeProxyPod(node: string, createdAt = Date.now()) {
  return { namespace: 'kube-system', name: `kube-proxy-${podSuffix(node)}`, node, createdAt };
}

/** The mirror Pods of a node's static Pods (`<manifest>-<node>`), as its kubelet posts them. */
export function syncMirrorPods(store: LabStore, node: string, staticPods: string[]): void {
  const wanted = new Set(staticPods.map((p) => `${p}-${node}`));
  store.pods = store.pods.filter((p) => !(p.node === node && p.static && !wanted.has(p.name)));
  const have = new Set(store.pods.filter((p) => p.node === node && p.static).map((p) => p.name));
  for (const name of wanted) if (!have.has(name)) store.pods.push({ namespace: 'kube-system', name, node, createdAt: Date.now(), static: true });
}

/** Client URLs of the stacked etcd members, from the etcd mirror Pods as kubeadm finds them. */
export function etcdEndpoints(store: StoreView, exceptAddress?: string): string[] {
  return Object.values(store.nodes)
    .filter((n) => n.address !== exceptAddress && store.pods.some((p) => p.static && p.node === n.name && p.name === `etcd-${n.name}`))
    .map((n) => `https://${n.address}:2379`);
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
