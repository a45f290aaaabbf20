import type { UpgradePhase } from '../context';
import { approveBeforeApply } from './approve-apply';
import { checkVersions } from './check-versions';
import { upgradeApply } from './upgrade-apply';
import { upgradeControlPlanes } from './upgrade-control-planes';
import { upgradeKubeadm } from './upgrade-kubeadm';
import { upgradePlan } from './upgrade-plan';
import { upgradeWorkers } from './upgrade-workers';
import { verifyUpgrade } from './verify-upgrade';

/** kubeadm's upgrade, top to bottom: what a plan prints, progress declares and the workflow runs. */
export const UPGRADE_PHASES: readonly UpgradePhase[] = [
  checkVersions,
  upgradeKubeadm,
  upgradePlan,
  approveBeforeApply,
  upgradeApply,
  upgradeControlPlanes,
  upgradeWorkers,
  verifyUpgrade,
];
