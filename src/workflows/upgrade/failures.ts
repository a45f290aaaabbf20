import type { RolloutControl, UpgradeStepId } from '../../shared/operations';

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
