import { proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { KubehaActivities } from '../../activities/types';
import { HEARTBEAT_TIMEOUT_MS, MINUTE, options } from '../bring-up/activities';
import type { ResetTuning } from '../../shared/operations';

export type ResetActivityProxies = Pick<ActivityInterfaceFor<KubehaActivities>, 'resetHostFacts' | 'drainNode' | 'forgetForReset' | 'resetNode'>;

/** One proxy per activity with its own timeouts and retry policy. A drain gets two attempts: the reset goes on without it. */
export function resetActivities(tuning: ResetTuning): ResetActivityProxies {
  const p = (startToCloseMs: number, attempts: number, heartbeatMs?: number) => proxyActivities<KubehaActivities>(options(tuning, startToCloseMs, attempts, heartbeatMs));
  return {
    resetHostFacts: p(2 * MINUTE, 10).resetHostFacts,
    drainNode: p(tuning.drainTimeoutMs + MINUTE, 2, HEARTBEAT_TIMEOUT_MS).drainNode,
    forgetForReset: p(3 * MINUTE, 10, HEARTBEAT_TIMEOUT_MS).forgetForReset,
    resetNode: p(8 * MINUTE, 5, HEARTBEAT_TIMEOUT_MS).resetNode,
  };
}
