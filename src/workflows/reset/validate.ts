import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../activities/types';
import type { ResetInput } from '../../shared/operations';
import { assertValidSpec } from '../validate-input';

const MAX_BY = 256;

/** The worker trusts nothing it is sent: the spec as the bring-up checks it, then who asks and the tuning. */
export function assertValidReset(input: ResetInput): void {
  if (!input || typeof input !== 'object') throw ApplicationFailure.nonRetryable('the reset input is not an object', FailureTypes.invalidSpec);
  assertValidSpec(input.spec);
  const problems: string[] = [];
  if (typeof input.requestedBy !== 'string' || input.requestedBy.trim() === '' || input.requestedBy.length > MAX_BY) problems.push(`\`requestedBy\` must name who asks (at most ${MAX_BY} characters)`);
  const parallelism = input.tuning?.workerParallelism;
  if (parallelism !== undefined && !(Number.isInteger(parallelism) && parallelism >= 1 && parallelism <= 100)) problems.push('`tuning.workerParallelism` must be a whole number from 1 to 100');
  if (problems.length) throw ApplicationFailure.nonRetryable(`the reset request is refused: ${problems.join('; ')}`, FailureTypes.invalidSpec);
}
