import { ApplicationFailure } from '@temporalio/common';
import type { UpgradeActivities } from '../../src/activities/upgrade-types';

/** The upgrade's activities for fakes that only serve a bring-up: any call fails the test's workflow loudly. */
export function unfakedUpgradeActivities(): UpgradeActivities {
  const refuse = (name: string) => async (): Promise<never> => {
    throw ApplicationFailure.nonRetryable(`${name} is not faked here`, 'NotFaked');
  };
  return {
    upgradeFacts: refuse('upgradeFacts'),
    installKubeadm: refuse('installKubeadm'),
    kubeadmUpgradePlan: refuse('kubeadmUpgradePlan'),
    kubeadmUpgradeApply: refuse('kubeadmUpgradeApply'),
    kubeadmUpgradeNode: refuse('kubeadmUpgradeNode'),
    drainNode: refuse('drainNode'),
    uncordonNode: refuse('uncordonNode'),
    upgradeKubelet: refuse('upgradeKubelet'),
  };
}
