/**
 * The rejoin's own activities (kubeha rejoin): whether the node's host answers and still runs as a
 * node, removing the node from the cluster (etcd member through a healthy member, then the Node),
 * and resetting the host. Joining reuses joinNode; credentials reuse uploadCerts/createJoinToken.
 */
import { ApplicationFailure } from '@temporalio/common';
import { detachedStop } from '../remote/detached';
import { JOIN_UNIT, kubeadmReset } from '../remote/kubeadm';
import { cleanAfterReset, REJOIN_HOST_STATE_INPUT, rejoinHostState } from '../remote/rejoin';
import type { ActivityDeps } from './deps';
import { SSH_UNREACHABLE } from './failures';
import { forgetNodeThrough } from './forget-node';
import { hostStep } from './step';
import type { RejoinHostFacts, RemoveFromClusterInput, RemoveFromClusterResult, ResetHostResult } from './rejoin-types';
import type { HostStepInput } from './types';

const CNI_DIR = '/etc/cni/net.d';
const ROOT_KUBECONFIG = '/root/.kube/config';

/** Connection refused or no route: the host is down (a timeout is not: it may be frozen, so it is retried). */
const unreachable = (err: unknown): boolean => err instanceof ApplicationFailure && err.type === SSH_UNREACHABLE;

export function createRejoinActivities(deps: ActivityDeps) {
  return {
    async rejoinHostFacts({ host }: HostStepInput): Promise<RejoinHostFacts> {
      const step = hostStep(deps, host, 'rejoin-host-facts');
      try {
        const { stdout } = await step.runChecked(rejoinHostState.render(REJOIN_HOST_STATE_INPUT), { timeoutMs: 30_000 });
        const kubelet = /kubelet\.conf=yes/.test(stdout);
        const manifests = Number(/manifests=(\d+)/.exec(stdout)?.[1] ?? '0');
        step.log(`reachable; kubelet.conf ${kubelet ? 'present' : 'absent'}, ${manifests} static pod manifest(s)`);
        return { reachable: true, runsAsNode: kubelet };
      } catch (err) {
        if (!unreachable(err)) throw err;
        step.log(`unreachable (${(err as Error).message}): the cluster-side steps go on without it`);
        return { reachable: false, runsAsNode: false };
      }
    },

    /** Run on `host` (a healthy control plane other than `target`): removes target's etcd member (stacked) and its Node. Idempotent. */
    async removeFromCluster(input: RemoveFromClusterInput): Promise<RemoveFromClusterResult> {
      return forgetNodeThrough(deps, input, `remove-${input.target.name}`);
    },

    /** `kubeadm reset -f` and the cleanup it leaves; `reset: false` when the host is unreachable. */
    async resetHost({ cluster, host }: HostStepInput): Promise<ResetHostResult> {
      const step = hostStep(deps, host, 'reset-host');
      try {
        for (const unit of [JOIN_UNIT, `${JOIN_UNIT}-finish`]) await step.runChecked(detachedStop.render({ unit }), { timeoutMs: 60_000 });
      } catch (err) {
        if (!unreachable(err)) throw err;
        step.log(`unreachable (${(err as Error).message}): not reset`);
        return { reset: false };
      }
      await step.runChecked(kubeadmReset.render({ criSocket: cluster.criSocket, unit: JOIN_UNIT }), { timeoutMs: 5 * 60_000 });
      await step.runChecked(cleanAfterReset.render({ cniDir: CNI_DIR, kubeconfig: ROOT_KUBECONFIG }), { timeoutMs: 60_000 });
      step.log('kubeadm reset -f done; CNI configuration and root kubeconfig removed');
      return { reset: true };
    },
  };
}
