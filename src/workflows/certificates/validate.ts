import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../activities/types';
import type { CertificatesInput } from '../../shared/operations';
import { assertValidSpec } from '../validate-input';

const MAX_BY = 256;

/** The worker trusts nothing it is sent: the spec as the bring-up checks it, then the request. */
export function assertValidCertificates(input: CertificatesInput): void {
  if (!input || typeof input !== 'object') throw ApplicationFailure.nonRetryable('the certificates input is not an object', FailureTypes.invalidSpec);
  assertValidSpec(input.spec);
  const problems: string[] = [];
  if (input.action !== 'check' && input.action !== 'renew') problems.push('`action` must be check or renew');
  if (!Number.isInteger(input.renewWithinDays) || input.renewWithinDays < 1 || input.renewWithinDays > 3650) problems.push('`renewWithinDays` must be a whole number from 1 to 3650');
  if (typeof input.requestedBy !== 'string' || input.requestedBy.trim() === '' || input.requestedBy.length > MAX_BY) problems.push(`\`requestedBy\` must name who asks (at most ${MAX_BY} characters)`);
  if (problems.length) throw ApplicationFailure.nonRetryable(`the certificates request is refused: ${problems.join('; ')}`, FailureTypes.invalidSpec);
}
