/** Node and Pod objects (the real API's JSON shapes) derived from the lab store. */
import type { LabConfig } from '../../layout';
import type { NodeView, PodView, StoreView } from '../store';
import { humanAge, modelElapsed, nodeStaleAfterMs } from '../time';

export function nodeReady(config: LabConfig, store: StoreView, n: NodeView, now = Date.now()): boolean {
  return store.cni !== undefined && n.heartbeatAt !== undefined && now - n.heartbeatAt < nodeStaleAfterMs(config);
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export function nodeObject(config: LabConfig, store: StoreView, n: NodeView) {
  const ready = nodeReady(config, store, n);
  const reason = ready ? 'KubeletReady' : n.heartbeatAt === undefined || Date.now() - n.heartbeatAt >= nodeStaleAfterMs(config) ? 'NodeStatusUnknown' : 'KubeletNotReady';
  const message = ready
    ? 'kubelet is posting ready status'
    : reason === 'NodeStatusUnknown'
      ? 'Kubelet stopped posting node status.'
      : 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux',
  };
  if (n.controlPlane) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  const taints = [
    ...(n.controlPlane ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] : []),
    ...(n.unschedulable ? [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', timeAdded: iso(Date.now()) }] : []),
  ];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { creationTimestamp: iso(n.createdAt), labels, name: n.name },
    spec: { ...(taints.length ? { taints } : {}), ...(n.unschedulable ? { unschedulable: true } : {}) },
    status: {
      addresses: [{ address: n.address, type: 'InternalIP' }, { address: n.name, type: 'Hostname' }],
      conditions: [{
        lastHeartbeatTime: iso(n.heartbeatAt ?? n.createdAt), lastTransitionTime: iso(n.createdAt),
        message, reason, status: ready ? 'True' : reason === 'NodeStatusUnknown' ? 'Unknown' : 'False', type: 'Ready',
      }],
      nodeInfo: {
        architecture: 'amd64', containerRuntimeVersion: 'containerd://1.6.20', kernelVersion: '6.1.0-kubeha-lab',
        kubeProxyVersion: n.kubeletVersion, kubeletVersion: n.kubeletVersion, operatingSystem: 'linux', osImage: 'Debian GNU/Linux 12 (bookworm)',
      },
    },
  };
}

export function nodeStatusText(config: LabConfig, store: StoreView, n: NodeView): string {
  const base = nodeReady(config, store, n) ? 'Ready' : n.heartbeatAt !== undefined && Date.now() - n.heartbeatAt >= nodeStaleAfterMs(config) ? 'NotReady' : 'NotReady';
  return n.unschedulable ? `${base},SchedulingDisabled` : base;
}

export function age(config: LabConfig, createdAt: number): string {
  return humanAge(modelElapsed(config, Date.now() - createdAt));
}

export function podRunning(config: LabConfig, store: StoreView, p: PodView): boolean {
  const node = p.node ? store.nodes[p.node] : undefined;
  if (!node) return false;
  // The API keeps a pod's last reported status when its node goes silent, as the real one does.
  const everPosted = node.heartbeatAt !== undefined;
  const hostNetwork = p.static === true || /^(kube-proxy|calico-node|kube-flannel-ds|cilium|cni-node)-/.test(p.name);
  return everPosted && (hostNetwork || store.cni !== undefined);
}

/** Unscheduled pods (CoreDNS before a CNI) land on the first Ready node once there is one. */
export function podNode(config: LabConfig, store: StoreView, p: PodView): string | undefined {
  if (p.node) return p.node;
  return Object.values(store.nodes).find((n) => nodeReady(config, store, n))?.name;
}

export function podObject(config: LabConfig, store: StoreView, p: PodView) {
  const nodeName = podNode(config, store, p);
  const running = podRunning(config, store, { ...p, node: nodeName });
  const node = nodeName ? store.nodes[nodeName] : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { creationTimestamp: iso(p.createdAt), name: p.name, namespace: p.namespace },
    spec: { ...(nodeName ? { nodeName } : {}) },
    status: {
      conditions: [{ status: running ? 'True' : 'False', type: 'Ready' }],
      containerStatuses: [{ name: p.name.replace(/-[a-z0-9]+(-[a-z0-9]+)?$/, ''), ready: running, restartCount: 0 }],
      hostIP: node?.address,
      phase: running ? 'Running' : 'Pending',
      podIP: running ? (p.static || p.name.startsWith('kube-proxy') ? node?.address : `10.244.0.${(p.name.length * 7) % 250 + 2}`) : undefined,
    },
  };
}
