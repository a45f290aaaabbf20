import type { DrillStepId } from '../../shared/operations';

/** Ends the drill on an error it cannot judge around (a host not restored, a degraded cluster): the step, the host, why. */
export class DrillStepFailed extends Error {
  constructor(
    readonly step: DrillStepId,
    readonly host: string | undefined,
    readonly detail: string,
  ) {
    super(`${step}${host ? ` on ${host}` : ''}: ${detail}`);
    this.name = 'DrillStepFailed';
  }
}
