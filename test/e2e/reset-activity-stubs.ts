import { ApplicationFailure } from '@temporalio/common';
import type { ResetActivities } from '../../src/activities/reset-types';

/** The reset's activities for fakes that do not serve a reset: any call fails the test's workflow loudly. */
export function unfakedResetActivities(): ResetActivities {
  const refuse = (name: string) => async (): Promise<never> => {
    throw ApplicationFailure.nonRetryable(`${name} is not faked here`, 'NotFaked');
  };
  return {
    resetHostFacts: refuse('resetHostFacts'),
    forgetForReset: refuse('forgetForReset'),
    resetNode: refuse('resetNode'),
  };
}
