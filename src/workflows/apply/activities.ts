import { proxyActivities } from '@temporalio/workflow';
import type { KubehaActivities } from '../../activities/types';
import type { BringUpTuning } from '../../shared/messages';
import { LONGEST_STEP_MS } from '../../shared/timeouts';
import { HEARTBEAT_TIMEOUT_MS, MINUTE, options } from '../bring-up/activities';

/** The activities apply calls, each with the timeouts and retries of the same step in the bring-up. */
export function applyActivities(tuning: BringUpTuning) {
  const with_ = (startToCloseMs: number, attempts: number, heartbeatMs?: number) => proxyActivities<KubehaActivities>(options(tuning, startToCloseMs, attempts, heartbeatMs));
  return {
    preflight: with_(2 * MINUTE, 3).preflight,
    createJoinToken: with_(2 * MINUTE, 5).createJoinToken,
    joinNode: with_(LONGEST_STEP_MS, tuning.workerJoinMaxAttempts, HEARTBEAT_TIMEOUT_MS).joinNode,
    waitForNodeReady: with_(tuning.nodeReadyTimeoutMs + MINUTE, 3, HEARTBEAT_TIMEOUT_MS).waitForNodeReady,
    drainNode: with_(10 * MINUTE, 5).drainNode,
    abandonJoin: with_(10 * MINUTE, 5, HEARTBEAT_TIMEOUT_MS).abandonJoin,
    revokeJoinCredentials: with_(2 * MINUTE, 10).revokeJoinCredentials,
    verifyCluster: with_(5 * MINUTE, 10).verifyCluster,
  };
}

export type ApplyActivityProxies = ReturnType<typeof applyActivities>;
