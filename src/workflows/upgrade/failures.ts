import type { GateTimeout } from '../../shared/messages';
import type { RolloutControl, UpgradeStepId } from '../../shared/operations';
import { formatDuration, formatElapsed } from '../../spec/duration';

/** Ends the upgrade on an error: the step, the host and what went wrong. */
export class UpgradeStepFailed extends Error {
  constructor(
    readonly step: UpgradeStepId,
    readonly host: string | undefined,
    readonly detail: string,
  ) {
    super(`${step}${host ? ` on ${host}` : ''}: ${detail}`);
    this.name = 'UpgradeStepFailed';
  }
}

/** Thrown at a safe point once someone asked to abort: the hosts not started stay as they are. */
export class RolloutAborted extends Error {
  constructor(
    readonly control: RolloutControl,
    /** The host (or step) the rollout stopped before. */
    readonly stoppedBefore: string,
  ) {
    super(`aborted by ${control.by} before ${stoppedBefore}${control.reason ? `: ${control.reason}` : ''}`);
    this.name = 'RolloutAborted';
  }
}

/**
 * The before-upgrade-apply gate's timeout, for an upgrade: nothing was applied yet (only kubeadm is
 * installed on the first control plane), and the way on is asking for the upgrade again.
 */
export function upgradeGateTimedOutMessage(timeout: GateTimeout, cluster: string, to: string): string {
  return (
    `gate ${timeout.gate} timed out: nobody approved or rejected it within ${formatDuration(timeout.timeoutMs)} (waited ${formatElapsed(timeout.waitedMs)}); ` +
    `nothing was applied (only kubeadm ${to} is installed on the first control plane). ` +
    `Ask again with \`kubeha upgrade ${cluster} --to ${to}\` and approve in time, or raise the gate's timeout in the spec`
  );
}
