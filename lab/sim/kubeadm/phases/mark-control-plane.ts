/** mark-control-plane: the control-plane label and taint on this node's Node, once its kubelet has registered it. */
import type { SimContext } from '../../context';
import { phaseError } from '../../errors';
import { out } from '../../output';
import { readStore, updateStore } from '../../store';
import { scaled, sleep } from '../../time';

export async function markControlPlane(ctx: SimContext, nodeName: string, phase: string): Promise<void> {
  out(`[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]\n`);
  out(`[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]\n`);
  // kubeadm patches the Node with retries until the kubelet has registered it.
  const deadline = Date.now() + Math.max(30_000, scaled(ctx.config, 120_000));
  while (!readStore(ctx.identity.labDir).nodes[nodeName]) {
    if (Date.now() > deadline) throw phaseError(phase, `error patching node "${nodeName}" through apiserver: timed out waiting for the condition`);
    await sleep(100);
  }
  await updateStore(ctx.identity.labDir, (s) => {
    const node = s.nodes[nodeName];
    if (node) node.controlPlane = true;
  });
}
