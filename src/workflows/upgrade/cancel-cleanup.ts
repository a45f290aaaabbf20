import { CancellationScope, patched } from '@temporalio/workflow';
import type { UpgradeHostStage } from '../../shared/operations';
import { describeFailure } from '../bring-up/failures';
import type { UpgradeContext } from './context';
import { nodeInput } from './host-upgrade';

/** Stages in which a host is between the start and the end of its own upgrade. */
const IN_FLIGHT: readonly UpgradeHostStage[] = ['kubeadm', 'draining', 'kubelet', 'waiting-for-node', 'uncordoning', 'etcd-check'];

/**
 * After a cancel: every host whose upgrade was cut short is marked failed with the stage it was
 * at, and every node this upgrade drained is uncordoned (in a non-cancellable scope, so the cancel
 * cannot cut that short), so no node stays out of service because of the upgrade. Returns one line
 * for the failure message. Older runs did not uncordon; patched.
 */
export async function cleanUpAfterCancel(ctx: UpgradeContext): Promise<string> {
  const { progress } = ctx;
  const cut = progress.hosts.filter((h) => IN_FLIGHT.includes(h.stage));
  for (const h of cut) progress.setStage(h.host, 'failed', `cancelled during ${h.stage}; asking for the upgrade again finishes it`);
  const cordoned = ctx.spec.hosts.filter((h) => progress.node(h.name)?.cordoned);
  if (cordoned.length === 0) return cut.length ? `cut short on ${cut.map((h) => h.host).join(', ')}; no node was left cordoned` : 'no host was being upgraded';
  if (!patched('upgrade-uncordon-on-cancel')) return `${cordoned.map((h) => h.name).join(', ')} left cordoned: run kubectl uncordon on them`;
  const lines = await CancellationScope.nonCancellable(() =>
    Promise.all(
      cordoned.map(async (host) => {
        const node = progress.node(host.name);
        const before = node?.lastError ?? 'cancelled';
        try {
          await ctx.acts.uncordonNode.executeWithOptions({ summary: `uncordon ${host.name} (upgrade cancelled)` }, [nodeInput(ctx, host, 60_000)]);
          progress.setCordoned(host.name, false);
          if (node) node.lastError = `${before}; uncordoned after the cancel`;
          return `${host.name} uncordoned`;
        } catch (err) {
          const detail = describeFailure(err);
          if (node) node.lastError = `${before}; still cordoned, uncordoning failed: ${detail}`;
          return `${host.name} still cordoned (uncordoning failed: ${detail}; run kubectl uncordon ${host.name})`;
        }
      }),
    ),
  );
  return lines.join('; ');
}
