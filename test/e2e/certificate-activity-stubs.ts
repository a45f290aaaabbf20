import { ApplicationFailure } from '@temporalio/common';
import type { CertificateActivities } from '../../src/activities/certificate-types';

/** The certificate operation's activities for fakes that do not serve it: any call fails the test's workflow loudly. */
export function unfakedCertificateActivities(): CertificateActivities {
  const refuse = (name: string) => async (): Promise<never> => {
    throw ApplicationFailure.nonRetryable(`${name} is not faked here`, 'NotFaked');
  };
  return {
    certificateFacts: refuse('certificateFacts'),
    renewCertificates: refuse('renewCertificates'),
    restartControlPlanePods: refuse('restartControlPlanePods'),
  };
}
