/**
 * `kubeadm join`: preflight and discovery, control-plane-prepare (control planes), kubelet-start,
 * control-plane-join (control planes), with the modelled latency spread between the phases
 * (pacing.ts) so that a session lost in the middle leaves the host as far as a real join gets.
 */
import type { SimContext } from '../context';
import { phaseError } from '../errors';
import type { ParsedArgs } from '../flags';
import { out } from '../output';
import { LATENCY } from '../time';
import { discover } from './discovery';
import { K8S_DIR, MANIFESTS_DIR } from './files';
import { controlPlaneJoinedText, workerJoinedText } from './join-text';
import { joinOptions } from './options';
import { pacer } from './pacing';
import { controlPlaneJoin } from './phases/control-plane-join';
import { controlPlanePrepare } from './phases/control-plane-prepare';
import { joinKubeletStart } from './phases/kubelet-start';
import { runPreflight } from './preflight';
import { readStore } from '../store';
import { notReadyToJoinControlPlane, sharedCertificatesError } from './shared-certs';

export async function join(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const o = joinOptions(p, { nodeName: ctx.identity.name, address: ctx.identity.address, kubernetesVersion: ctx.config.kubernetesVersion });
  const pace = pacer(ctx, o.controlPlane ? LATENCY.controlPlaneJoin : LATENCY.workerJoin);
  // kubeadm's join preflight reads the cluster's configuration first: etcd's checks only for a local etcd.
  const external = o.controlPlane ? readStore(ctx.identity.labDir).cluster?.externalEtcd : undefined;
  const cpFiles = o.controlPlane ? ['kube-apiserver', ...(external ? [] : ['etcd'])].map((m) => `${MANIFESTS_DIR}/${m}.yaml`) : [];
  out(await runPreflight({
    address: o.advertiseAddress,
    ports: o.controlPlane ? [10250, o.bindPort, 10259, 10257, ...(external ? [] : [2379, 2380])] : [10250],
    // kubeadm checks the CA only on workers: a control plane may bring the shared certificates itself.
    files: [`${K8S_DIR}/kubelet.conf`, ...(o.controlPlane ? cpFiles : [`${K8S_DIR}/pki/ca.crt`])],
    dirsMustBeEmpty: o.controlPlane && !external ? ['/var/lib/etcd'] : [],
    ignore: o.ignorePreflight,
  }));
  const discovered = await discover(ctx, o);
  out(`[discovery] Cluster info signature and contents are valid and TLS certificate validates against pinned roots, will use API Server "${o.endpoint}"\n`);
  out('[preflight] Reading configuration from the cluster...\n');
  out("[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n");
  if (o.controlPlane) {
    // Without a certificate key the shared certificates must already be on disk (copied by hand).
    // The lab's clusters run stacked etcd, so the etcd CA is checked too.
    const missing = o.certificateKey ? undefined : sharedCertificatesError(external !== undefined);
    if (missing) throw phaseError('preflight', notReadyToJoinControlPlane(missing));
    out('[preflight] Running pre-flight checks before initializing the new control plane instance\n');
  }
  await pace(0.15);

  if (o.controlPlane) {
    await controlPlanePrepare(ctx, o, o.certificateKey, discovered);
    await pace(0.35);
  }

  await joinKubeletStart(ctx, o, discovered);
  // A control plane's longest stretch. A session lost here kills kubeadm at its next line, which it
  // prints after announcing this node as an etcd learner: a registered node whose learner never starts.
  await pace(o.controlPlane ? 0.7 : 1);
  if (!o.controlPlane) {
    out(workerJoinedText());
    return 0;
  }

  await controlPlaneJoin(ctx, o, ['etcd']);
  await pace(0.9);
  await controlPlaneJoin(ctx, o, ['update-status', 'mark-control-plane']);
  await pace(1);
  out(controlPlaneJoinedText());
  return 0;
}
