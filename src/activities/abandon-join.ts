/**
 * Undoes a join that was started but will not be finished (the operation was cancelled): stops
 * the detached kubeadm, removes the host's etcd member and Node through the first control plane,
 * then resets the host. Afterwards the host is neither half-joined nor counted by the cluster.
 */
import { detachedStop } from '../remote/detached';
import { forgetNode, JOIN_UNIT, kubeadmReset } from '../remote/kubeadm';
import { initHost } from '../render';
import { joinHostPort } from '../spec/hosts';
import { ApplicationFailure } from '@temporalio/common';
import { SSH_TIMEOUT, SSH_UNREACHABLE } from './failures';
import type { ActivityDeps } from './deps';
import { hasStackedEtcd, localApiUrl, localEtcd } from './kubeadm-state';
import { hostStep } from './step';
import type { AbandonJoinInput, AbandonJoinResult } from './types';

export function createAbandonJoinActivities(deps: ActivityDeps) {
  return {
    async abandonJoin({ cluster, host, as }: AbandonJoinInput): Promise<AbandonJoinResult> {
      const step = hostStep(deps, host, 'abandon-join');
      let reachable = true;
      try {
        for (const unit of [JOIN_UNIT, `${JOIN_UNIT}-finish`]) await step.runChecked(detachedStop.render({ unit }), { timeoutMs: 60_000 });
      } catch (err) {
        if (!(err instanceof ApplicationFailure && (err.type === SSH_UNREACHABLE || err.type === SSH_TIMEOUT))) throw err;
        reachable = false;
        step.log(`unreachable (${err.message}): removing it from the cluster only`);
      }
      const first = initHost(cluster);
      const withEtcd = as === 'control-plane' && hasStackedEtcd(cluster);
      const script = forgetNode.render({
        node: host.name,
        peerUrl: `https://${joinHostPort(host.address, 2380)}`,
        server: localApiUrl(cluster, first),
        ...(withEtcd ? { etcd: localEtcd(first) } : {}),
      });
      await hostStep(deps, first, `forget-${host.name}`).runChecked(script, { timeoutMs: 2 * 60_000 });
      if (reachable) {
        await step.runChecked(kubeadmReset.render({ criSocket: cluster.criSocket, unit: JOIN_UNIT }), { timeoutMs: 5 * 60_000 });
      }
      step.log(reachable ? 'join undone: kubeadm stopped, etcd member and Node removed, host reset' : 'etcd member and Node removed; the host was unreachable and is not reset');
      return { reset: reachable };
    },
  };
}
