/** addon: CoreDNS (two replicas, scheduled once a node is Ready) and the kube-proxy DaemonSet (a pod per node). */
import type { SimContext } from '../../context';
import { out } from '../../output';
import { updateStore } from '../../store';
import type { LabStore } from '../../store';
import { kubeProxyPod } from '../node';

export type Addon = 'CoreDNS' | 'kube-proxy';

const COREDNS_PODS = ['coredns-7db6d8ff4d-4xk2p', 'coredns-7db6d8ff4d-9tvkq'];

function apply(s: LabStore, addon: Addon): void {
  s.addons = [...new Set([...(s.addons ?? []), addon])];
  if (addon === 'CoreDNS') {
    for (const name of COREDNS_PODS) if (!s.pods.some((p) => p.name === name)) s.pods.push({ namespace: 'kube-system', name, createdAt: Date.now() });
    return;
  }
  for (const node of Object.keys(s.nodes)) {
    const pod = kubeProxyPod(node);
    if (!s.pods.some((p) => p.name === pod.name)) s.pods.push(pod);
  }
}

/** kubeadm prints each addon's line once it is applied. */
export async function applyAddon(ctx: SimContext, addon: Addon): Promise<void> {
  await updateStore(ctx.identity.labDir, (s) => apply(s, addon));
  out(`[addons] Applied essential addon: ${addon}\n`);
}
