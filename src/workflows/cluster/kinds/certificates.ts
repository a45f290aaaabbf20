import { ParentClosePolicy } from '@temporalio/workflow';
import { z } from 'zod';
import { CERTIFICATES_WORKFLOW_TYPE, DEFAULT_RENEW_WITHIN_DAYS, operationWorkflowId, type CertificatesInput, type CertificatesResult } from '../../../shared/operations';
import { needsCluster, type OperationKindDefinition } from './kind';

/** `kubeadm certs check-expiration` on every control plane; `renew` renews those within the threshold, one control plane at a time. */
export const certificatesKind: OperationKindDefinition<'certificates'> = {
  kind: 'certificates',
  fields: {
    action: z.enum(['check', 'renew']),
    renewWithinDays: z.number().int().min(1).max(3650).optional(),
  },
  workflowId: (cluster, operationId) => operationWorkflowId('certificates', cluster, operationId),
  summary: (request) => `certificates ${request.action} (renew within ${request.renewWithinDays ?? DEFAULT_RENEW_WITHIN_DAYS} days)`,
  admit: (state, request, inFlight) => needsCluster(state, inFlight, `certificates ${request.action}`),
  async run({ record, op, request, runChild }) {
    const spec = record.spec;
    if (!spec || !record.kubernetesVersion) return { outcome: 'failed', message: 'the cluster has no successful bring-up' };
    const input: CertificatesInput = {
      spec: { ...spec, kubernetesVersion: record.kubernetesVersion },
      action: request.action,
      renewWithinDays: request.renewWithinDays ?? DEFAULT_RENEW_WITHIN_DAYS,
      requestedBy: request.requestedBy,
    };
    const result = await runChild<(input: CertificatesInput) => Promise<CertificatesResult>>(CERTIFICATES_WORKFLOW_TYPE, {
      args: [input],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: op.summary,
    });
    if (result.earliestExpiry) record.certificatesExpireAt = result.earliestExpiry;
    return { outcome: 'succeeded' };
  },
};
