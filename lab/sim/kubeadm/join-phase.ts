/**
 * `kubeadm join phase control-plane-join <all|etcd|update-status|mark-control-plane>` with the
 * flags or the `--config` JoinConfiguration `kubeadm join` takes: completes a control plane whose
 * join died after kubelet-start. Like kubeadm it first fetches the cluster's configuration
 * (discovery: the token must still be valid) and uses this node's admin.conf.
 */
import type { SimContext } from '../context';
import { phaseError, SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { out } from '../output';
import { adminClient } from './admin-client';
import { discover } from './discovery';
import { joinOptions } from './options';
import { controlPlaneJoin } from './phases/control-plane-join';
import type { ControlPlaneJoinPhase } from './phases/control-plane-join';

const SUB_PHASES: ControlPlaneJoinPhase[] = ['etcd', 'update-status', 'mark-control-plane'];

export async function joinPhase(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const [name = '', sub, ...rest] = p.positional.slice(2);
  if (name !== 'control-plane-join') throw new SimExit(`unknown command "${name}" for "kubeadm join phase"\nRun 'kubeadm join phase --help' for usage.`, 1);
  if (sub === undefined) throw new SimExit(`missing subcommand; "${name}" is not meant to be run on its own`, 1);
  if (sub !== 'all' && !(SUB_PHASES as string[]).includes(sub)) {
    throw new SimExit(`unknown command "${sub}" for "kubeadm join phase ${name}"\nRun 'kubeadm join phase ${name} --help' for usage.`, 1);
  }
  const o = joinOptions({ ...p, positional: rest }, { nodeName: ctx.identity.name, address: ctx.identity.address, kubernetesVersion: ctx.config.kubernetesVersion });
  if (!o.controlPlane) return 0;
  await discover(ctx, o);
  out('[preflight] Reading configuration from the cluster...\n');
  out("[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n");
  const phases = sub === 'all' ? SUB_PHASES : [sub as ControlPlaneJoinPhase];
  await adminClient(undefined, (m) => phaseError(`control-plane-join/${phases[0]}`, `couldn't create Kubernetes client: ${m}`), `/api/v1/nodes/${o.nodeName}?timeout=10s`);
  await controlPlaneJoin(ctx, o, phases);
  return 0;
}
