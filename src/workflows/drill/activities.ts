import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURE_TYPES, type KubehaActivities } from '../../activities/types';
import type { DrillTuning } from '../../shared/operations';

const MINUTE = 60_000;
/** Remote commands heartbeat every 5 s (src/activities/step.ts). */
const HEARTBEAT_TIMEOUT_MS = 30_000;

function options(tuning: DrillTuning, startToCloseMs: number, maximumAttempts: number, heartbeatMs?: number): ActivityOptions {
  return {
    startToCloseTimeout: startToCloseMs,
    ...(heartbeatMs ? { heartbeatTimeout: heartbeatMs } : {}),
    retry: {
      initialInterval: tuning.retryInitialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: tuning.retryInitialIntervalMs * 10,
      maximumAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
    },
  };
}

export type DrillActivityProxies = Pick<ActivityInterfaceFor<KubehaActivities>, 'parkManifests' | 'restoreManifests' | 'probeReadyz' | 'readyzCodes' | 'verifyEtcd'>;

/** A restore is retried far longer than anything else: a host must not stay stopped because of a blip. */
export function drillActivities(tuning: DrillTuning, windowMs: number): DrillActivityProxies {
  const p = (startToCloseMs: number, attempts: number, heartbeatMs?: number) => proxyActivities<KubehaActivities>(options(tuning, startToCloseMs, attempts, heartbeatMs));
  return {
    parkManifests: p(MINUTE, 5).parkManifests,
    restoreManifests: p(MINUTE, 30).restoreManifests,
    probeReadyz: p(windowMs + MINUTE, 2, HEARTBEAT_TIMEOUT_MS).probeReadyz,
    readyzCodes: p(MINUTE, 5).readyzCodes,
    verifyEtcd: p(MINUTE, 5).verifyEtcd,
  };
}
