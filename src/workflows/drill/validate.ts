import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../activities/types';
import type { DrillInput } from '../../shared/operations';
import { assertValidSpec } from '../validate-input';
import { drillRefusal } from './judge';

const MAX_BY = 256;
export const MAX_OUTAGE_LIMIT_MS = 10 * 60_000;

/** The worker trusts nothing it is sent: the spec as the bring-up checks it, the bound, and that the cluster has HA. */
export function assertValidDrill(input: DrillInput): void {
  if (!input || typeof input !== 'object') throw ApplicationFailure.nonRetryable('the drill input is not an object', FailureTypes.invalidSpec);
  assertValidSpec(input.spec);
  const problems: string[] = [];
  if (!Number.isInteger(input.maxOutageMs) || input.maxOutageMs < 0 || input.maxOutageMs > MAX_OUTAGE_LIMIT_MS) problems.push(`\`maxOutageMs\` must be a whole number of milliseconds from 0 to ${MAX_OUTAGE_LIMIT_MS}`);
  if (typeof input.requestedBy !== 'string' || input.requestedBy.trim() === '' || input.requestedBy.length > MAX_BY) problems.push(`\`requestedBy\` must name who asks (at most ${MAX_BY} characters)`);
  const refusal = drillRefusal(input.spec);
  if (refusal) problems.push(refusal);
  if (problems.length) throw ApplicationFailure.nonRetryable(`the drill request is refused: ${problems.join('; ')}`, FailureTypes.invalidSpec);
}
