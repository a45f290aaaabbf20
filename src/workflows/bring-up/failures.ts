import { ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import type { StepId } from '../../shared/messages';

/** The innermost message of a failure chain (activity → application error), which is what a person needs. */
export function describeFailure(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof TemporalFailure) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  if (current instanceof Error && current.message) message = current.message;
  return message;
}

/** `details[0].attempts` of a JoinFailed (from the child) anywhere in the chain. */
export function reportedAttempts(err: unknown): number | undefined {
  let current: unknown = err;
  while (current instanceof TemporalFailure) {
    if (current instanceof ApplicationFailure) {
      const detail = current.details?.[0] as { attempts?: unknown } | undefined;
      if (typeof detail?.attempts === 'number') return detail.attempts;
    }
    current = current.cause;
  }
  return undefined;
}

/** Ends the bring-up: the message names the step, the host and the error. */
export class StepFailed extends Error {
  constructor(
    readonly step: StepId,
    readonly host: string | undefined,
    readonly detail: string,
  ) {
    super(`${step}${host ? ` on ${host}` : ''}: ${detail}`);
    this.name = 'StepFailed';
  }
}
