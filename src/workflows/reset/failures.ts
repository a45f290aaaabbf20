import type { ResetStepId } from '../../shared/operations';

/** Ends the reset on an error: the step, the host and what went wrong. */
export class ResetStepFailed extends Error {
  constructor(
    readonly step: ResetStepId,
    readonly host: string | undefined,
    readonly detail: string,
  ) {
    super(`${step}${host ? ` on ${host}` : ''}: ${detail}`);
    this.name = 'ResetStepFailed';
  }
}
