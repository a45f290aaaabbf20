import { ParentClosePolicy } from '@temporalio/workflow';
import { z } from 'zod';
import { operationWorkflowId, RESET_WORKFLOW_TYPE, type ClusterRecord, type ResetInput, type ResetResult } from '../../../shared/operations';
import { knob } from '../request-fields';
import { needsCluster, type OperationKindDefinition } from './kind';

/** After a reset the record forgets the cluster, so the same name takes a new bring-up; the history stays. */
export function forgetCluster(record: ClusterRecord): void {
  delete record.spec;
  delete record.kubernetesVersion;
  delete record.certificatesExpireAt;
  record.nodes = [];
}

export const resetKind: OperationKindDefinition<'reset'> = {
  kind: 'reset',
  fields: { tuning: z.record(z.string().max(64), knob).optional() },
  workflowId: (cluster, operationId) => operationWorkflowId('reset', cluster, operationId),
  summary: (_request, record) => `reset ${record.kubernetesVersion ?? '?'} (${record.nodes.length} nodes${record.spec ? `, ${record.spec.hosts.length} hosts` : ''})`,
  admit(state, _request, inFlight) {
    const noCluster = needsCluster(state, inFlight, 'reset');
    if (noCluster) return noCluster;
    if (inFlight.some((r) => r.kind === 'reset')) return `cluster ${state.record.name} already has a reset running or queued`;
    return undefined;
  },
  async run({ record, op, request, runChild }) {
    const spec = record.spec;
    if (!spec || !record.kubernetesVersion) return { outcome: 'failed', message: 'the cluster has no successful bring-up' };
    const input: ResetInput = {
      spec: { ...spec, kubernetesVersion: record.kubernetesVersion },
      requestedBy: request.requestedBy,
      ...(request.tuning ? { tuning: request.tuning } : {}),
    };
    const result = await runChild<(input: ResetInput) => Promise<ResetResult>>(RESET_WORKFLOW_TYPE, {
      args: [input],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: op.summary,
    });
    if (result.outcome === 'rejected') return { outcome: 'rejected', message: `${result.gate} rejected by ${result.by}: ${result.reason}` };
    forgetCluster(record);
    const left = result.leftAlone.length ? `; load balancers left running: ${result.leftAlone.join(', ')}` : '';
    return { outcome: 'succeeded', message: `${result.hosts.length} hosts reset${left}` };
  },
};
