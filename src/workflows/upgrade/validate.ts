import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../activities/types';
import type { UpgradeInput } from '../../shared/operations';
import { upgradeProblem } from '../../spec/version';
import { assertValidSpec } from '../validate-input';

/** Failure type of an upgrade request refused before any host was touched. */
export const INVALID_UPGRADE = 'InvalidUpgrade';

const MAX_BY = 256;

/**
 * The worker trusts nothing it is sent: the spec as the bring-up checks it, then the request
 * itself and kubeadm's skew rules (one minor at a time, patches fine, no downgrade).
 */
export function assertValidUpgrade(input: UpgradeInput): void {
  if (!input || typeof input !== 'object') throw ApplicationFailure.nonRetryable('the upgrade input is not an object', FailureTypes.invalidSpec);
  assertValidSpec(input.spec);
  const problems: string[] = [];
  if (typeof input.to !== 'string') problems.push('`to` must be a release vX.Y.Z');
  if (!Number.isInteger(input.maxUnavailable) || input.maxUnavailable < 1 || input.maxUnavailable > 1000) problems.push('`maxUnavailable` must be a whole number from 1 to 1000');
  if (typeof input.requestedBy !== 'string' || input.requestedBy.trim() === '' || input.requestedBy.length > MAX_BY) problems.push(`\`requestedBy\` must name who asks (at most ${MAX_BY} characters)`);
  if (problems.length) throw ApplicationFailure.nonRetryable(`the upgrade request is refused: ${problems.join('; ')}`, FailureTypes.invalidSpec);
  // The same version again is a resume (apply already ran, some hosts may not have followed): each step finds what is done.
  const skew = input.spec.kubernetesVersion === input.to ? undefined : upgradeProblem(input.spec.kubernetesVersion, input.to);
  if (skew) throw ApplicationFailure.nonRetryable(`upgrade ${input.spec.kubernetesVersion} -> ${input.to} refused before any host was touched: ${skew}`, INVALID_UPGRADE);
}
