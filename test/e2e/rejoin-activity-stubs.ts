import { ApplicationFailure } from '@temporalio/common';
import type { RejoinActivities } from '../../src/activities/rejoin-types';

/** The rejoin's activities for fakes that do not serve a rejoin: any call fails the test's workflow loudly. */
export function unfakedRejoinActivities(): RejoinActivities {
  const refuse = (name: string) => async (): Promise<never> => {
    throw ApplicationFailure.nonRetryable(`${name} is not faked here`, 'NotFaked');
  };
  return {
    rejoinHostFacts: refuse('rejoinHostFacts'),
    removeFromCluster: refuse('removeFromCluster'),
    resetHost: refuse('resetHost'),
  };
}
