import { proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURE_TYPES, type KubehaActivities } from '../../activities/types';
import type { CertificatesTuning } from '../../shared/operations';

const MINUTE = 60_000;
const HEARTBEAT_TIMEOUT_MS = 30_000;

export type CertificateActivityProxies = Pick<ActivityInterfaceFor<KubehaActivities>, 'certificateFacts' | 'renewCertificates' | 'restartControlPlanePods'>;

export function certificateActivities(tuning: CertificatesTuning): CertificateActivityProxies {
  const p = (startToCloseMs: number, maximumAttempts: number) =>
    proxyActivities<KubehaActivities>({
      startToCloseTimeout: startToCloseMs,
      heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
      retry: {
        initialInterval: tuning.retryInitialIntervalMs,
        backoffCoefficient: 2,
        maximumInterval: tuning.retryInitialIntervalMs * 30,
        maximumAttempts,
        nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
      },
    });
  return {
    certificateFacts: p(2 * MINUTE, 10).certificateFacts,
    renewCertificates: p(6 * MINUTE, 5).renewCertificates,
    restartControlPlanePods: p(tuning.restartTimeoutMs + 2 * MINUTE, 3).restartControlPlanePods,
  };
}
