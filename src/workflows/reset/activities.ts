import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURE_TYPES, type KubehaActivities } from '../../activities/types';
import type { ResetTuning } from '../../shared/operations';

const MINUTE = 60_000;
/** Long activities heartbeat every 5 s (src/activities/step.ts): six missed beats mean the worker is gone. */
const HEARTBEAT_TIMEOUT_MS = 30_000;

function options(tuning: ResetTuning, startToCloseMs: number, maximumAttempts: number, heartbeatMs?: number): ActivityOptions {
  return {
    startToCloseTimeout: startToCloseMs,
    ...(heartbeatMs ? { heartbeatTimeout: heartbeatMs } : {}),
    retry: {
      initialInterval: tuning.retryInitialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: tuning.retryInitialIntervalMs * 30,
      maximumAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
    },
  };
}

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
