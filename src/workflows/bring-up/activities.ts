import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURE_TYPES, type KubehaActivities } from '../../activities/types';
import type { BringUpTuning } from '../../shared/messages';
import { LONGEST_STEP_MS } from '../../shared/timeouts';

function retry(tuning: Pick<BringUpTuning, 'retryInitialIntervalMs'>, maximumAttempts: number): RetryPolicy {
  return {
    initialInterval: tuning.retryInitialIntervalMs,
    backoffCoefficient: 2,
    maximumInterval: tuning.retryInitialIntervalMs * 30,
    maximumAttempts,
    nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
  };
}

/** Activity options of every kubeha operation: its retry policy grows from the tuning's first interval. */
export function options(tuning: Pick<BringUpTuning, 'retryInitialIntervalMs'>, startToCloseMs: number, maximumAttempts: number, heartbeatMs?: number): ActivityOptions {
  return {
    startToCloseTimeout: startToCloseMs,
    ...(heartbeatMs ? { heartbeatTimeout: heartbeatMs } : {}),
    retry: retry(tuning, maximumAttempts),
  };
}

export const MINUTE = 60_000;
/** Long activities heartbeat every 5 s (src/activities/step.ts): six missed beats mean the worker is gone. */
export const HEARTBEAT_TIMEOUT_MS = 30_000;

type Proxies = ActivityInterfaceFor<KubehaActivities>;

export type ActivityProxies = Pick<
  Proxies,
  | 'preflight'
  | 'configureLoadBalancer'
  | 'installKubeVip'
  | 'probeLoadBalancer'
  | 'initControlPlane'
  | 'uploadCerts'
  | 'revokeJoinCredentials'
  | 'abandonJoin'
  | 'createJoinToken'
  | 'applyCni'
  | 'waitForNodeReady'
  | 'verifyEtcd'
  | 'verifyCluster'
  | 'copySharedCertificates'
>;

/** One proxy per activity with its own timeouts and retry policy. */
export function bringUpActivities(tuning: BringUpTuning): ActivityProxies {
  return {
    preflight: proxyActivities<KubehaActivities>(options(tuning, 2 * MINUTE, 3)).preflight,
    configureLoadBalancer: proxyActivities<KubehaActivities>(options(tuning, 5 * MINUTE, 5)).configureLoadBalancer,
    installKubeVip: proxyActivities<KubehaActivities>(options(tuning, 5 * MINUTE, 5)).installKubeVip,
    probeLoadBalancer: proxyActivities<KubehaActivities>(options(tuning, MINUTE, tuning.probeMaxAttempts)).probeLoadBalancer,
    initControlPlane: proxyActivities<KubehaActivities>(options(tuning, LONGEST_STEP_MS, 3, HEARTBEAT_TIMEOUT_MS)).initControlPlane,
    uploadCerts: proxyActivities<KubehaActivities>(options(tuning, 5 * MINUTE, 5)).uploadCerts,
    revokeJoinCredentials: proxyActivities<KubehaActivities>(options(tuning, 2 * MINUTE, 10)).revokeJoinCredentials,
    abandonJoin: proxyActivities<KubehaActivities>(options(tuning, 10 * MINUTE, 5, HEARTBEAT_TIMEOUT_MS)).abandonJoin,
    createJoinToken: proxyActivities<KubehaActivities>(options(tuning, 2 * MINUTE, 5)).createJoinToken,
    applyCni: proxyActivities<KubehaActivities>(options(tuning, 5 * MINUTE, 5)).applyCni,
    waitForNodeReady: proxyActivities<KubehaActivities>(options(tuning, tuning.nodeReadyTimeoutMs + MINUTE, 3, HEARTBEAT_TIMEOUT_MS)).waitForNodeReady,
    verifyEtcd: proxyActivities<KubehaActivities>(options(tuning, 2 * MINUTE, 6)).verifyEtcd,
    verifyCluster: proxyActivities<KubehaActivities>(options(tuning, 5 * MINUTE, 10)).verifyCluster,
    copySharedCertificates: proxyActivities<KubehaActivities>(options(tuning, 3 * MINUTE, 5)).copySharedCertificates,
  };
}

export function joinActivities(tuning: BringUpTuning, maximumAttempts: number): Pick<Proxies, 'joinNode' | 'installKubeVip'> {
  return {
    joinNode: proxyActivities<KubehaActivities>(options(tuning, LONGEST_STEP_MS, maximumAttempts, HEARTBEAT_TIMEOUT_MS)).joinNode,
    installKubeVip: proxyActivities<KubehaActivities>(options(tuning, 5 * MINUTE, 5)).installKubeVip,
  };
}
