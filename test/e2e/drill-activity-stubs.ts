import { ApplicationFailure } from '@temporalio/common';
import type { DrillActivities } from '../../src/activities/drill-types';

/** The drill's activities for fakes that do not serve a drill: any call fails the test's workflow loudly. */
export function unfakedDrillActivities(): DrillActivities {
  const refuse = (name: string) => async (): Promise<never> => {
    throw ApplicationFailure.nonRetryable(`${name} is not faked here`, 'NotFaked');
  };
  return {
    parkManifests: refuse('parkManifests'),
    restoreManifests: refuse('restoreManifests'),
    probeReadyz: refuse('probeReadyz'),
    readyzCodes: refuse('readyzCodes'),
  };
}
