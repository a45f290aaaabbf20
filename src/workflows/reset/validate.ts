import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../activities/types';
import type { ResetInput, ResetTuning } from '../../shared/operations';
import { assertValidSpec } from '../validate-input';

const MAX_BY = 256;

/** Each knob's bounds (whole numbers); a name not listed is refused rather than ignored. */
const TUNING_BOUNDS: Record<keyof ResetTuning, { min: number; max: number }> = {
  workerParallelism: { min: 1, max: 100 },
  drainTimeoutMs: { min: 1_000, max: 86_400_000 },
  retryInitialIntervalMs: { min: 100, max: 600_000 },
};

function tuningProblems(tuning: unknown): string[] {
  if (tuning === undefined) return [];
  if (!tuning || typeof tuning !== 'object' || Array.isArray(tuning)) return ['`tuning` must be an object'];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(tuning)) {
    const bounds = (TUNING_BOUNDS as Record<string, { min: number; max: number } | undefined>)[name];
    if (!bounds) problems.push(`\`tuning.${name}\` is not a reset knob (knobs: ${Object.keys(TUNING_BOUNDS).join(', ')})`);
    else if (!(Number.isInteger(value) && value >= bounds.min && value <= bounds.max)) problems.push(`\`tuning.${name}\` must be a whole number from ${bounds.min} to ${bounds.max}`);
  }
  return problems;
}

/** The worker trusts nothing it is sent: the spec as the bring-up checks it, then who asks and the tuning. */
export function assertValidReset(input: ResetInput): void {
  if (!input || typeof input !== 'object') throw ApplicationFailure.nonRetryable('the reset input is not an object', FailureTypes.invalidSpec);
  assertValidSpec(input.spec);
  const problems: string[] = [];
  if (typeof input.requestedBy !== 'string' || input.requestedBy.trim() === '' || input.requestedBy.length > MAX_BY) problems.push(`\`requestedBy\` must name who asks (at most ${MAX_BY} characters)`);
  problems.push(...tuningProblems(input.tuning));
  if (problems.length) throw ApplicationFailure.nonRetryable(`the reset request is refused: ${problems.join('; ')}`, FailureTypes.invalidSpec);
}
