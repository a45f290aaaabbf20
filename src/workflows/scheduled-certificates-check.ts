import { ApplicationFailure, getExternalWorkflowHandle } from '@temporalio/workflow';
import { clusterWorkflowId, requestOperationSignal, type ScheduledCertificatesCheckInput } from '../shared/operations';

/**
 * What a cluster's certificate Schedule (`kubeha-certs-<cluster>`) starts: it asks the cluster
 * workflow for a `certificates` check through `requestOperationSignal` and ends. The cluster
 * workflow queues it, or records it as rejected with the reason (e.g. no bring-up yet).
 */
export async function scheduledCertificatesCheck(input: ScheduledCertificatesCheckInput): Promise<void> {
  if (!input || typeof input.cluster !== 'string' || typeof input.scheduleId !== 'string') {
    throw ApplicationFailure.nonRetryable('the scheduled check needs { cluster, scheduleId }', 'InvalidSpec');
  }
  await getExternalWorkflowHandle(clusterWorkflowId(input.cluster)).signal(requestOperationSignal, {
    kind: 'certificates',
    action: 'check',
    ...(input.renewWithinDays !== undefined ? { renewWithinDays: input.renewWithinDays } : {}),
    requestedBy: `schedule:${input.scheduleId}`,
  });
}
