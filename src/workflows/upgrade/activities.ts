import { proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { KubehaActivities } from '../../activities/types';
import { HEARTBEAT_TIMEOUT_MS, MINUTE, options } from '../bring-up/activities';
import type { UpgradeTuning } from '../../shared/operations';
import { LONGEST_STEP_MS } from '../../shared/timeouts';

type Proxies = ActivityInterfaceFor<KubehaActivities>;

export type UpgradeActivityProxies = Pick<
  Proxies,
  | 'upgradeFacts'
  | 'installKubeadm'
  | 'kubeadmUpgradePlan'
  | 'kubeadmUpgradeApply'
  | 'kubeadmUpgradeNode'
  | 'drainNode'
  | 'uncordonNode'
  | 'upgradeKubelet'
  | 'waitForNodeReady'
  | 'verifyEtcd'
>;

/** One proxy per activity with its own timeouts and retry policy; kubeadm runs heartbeat and re-attach on retry. */
export function upgradeActivities(tuning: UpgradeTuning): UpgradeActivityProxies {
  const p = (startToCloseMs: number, attempts: number, heartbeatMs?: number) => proxyActivities<KubehaActivities>(options(tuning, startToCloseMs, attempts, heartbeatMs));
  return {
    upgradeFacts: p(2 * MINUTE, 10).upgradeFacts,
    installKubeadm: p(10 * MINUTE, 5, HEARTBEAT_TIMEOUT_MS).installKubeadm,
    kubeadmUpgradePlan: p(5 * MINUTE, 5, HEARTBEAT_TIMEOUT_MS).kubeadmUpgradePlan,
    kubeadmUpgradeApply: p(LONGEST_STEP_MS, 5, HEARTBEAT_TIMEOUT_MS).kubeadmUpgradeApply,
    kubeadmUpgradeNode: p(LONGEST_STEP_MS, 5, HEARTBEAT_TIMEOUT_MS).kubeadmUpgradeNode,
    drainNode: p(15 * MINUTE, 5, HEARTBEAT_TIMEOUT_MS).drainNode,
    uncordonNode: p(2 * MINUTE, 10).uncordonNode,
    upgradeKubelet: p(10 * MINUTE, 5, HEARTBEAT_TIMEOUT_MS).upgradeKubelet,
    waitForNodeReady: p(tuning.nodeReadyTimeoutMs + MINUTE, 3, HEARTBEAT_TIMEOUT_MS).waitForNodeReady,
    verifyEtcd: p(2 * MINUTE, 6).verifyEtcd,
  };
}
