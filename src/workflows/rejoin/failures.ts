import type { RejoinStepId } from '../../shared/operations';

/** Ends the rejoin on an error: the step, the host and what went wrong. */
export class RejoinStepFailed extends Error {
  constructor(
    readonly step: RejoinStepId,
    readonly host: string | undefined,
    readonly detail: string,
  ) {
    super(`${step}${host ? ` on ${host}` : ''}: ${detail}`);
    this.name = 'RejoinStepFailed';
  }
}
