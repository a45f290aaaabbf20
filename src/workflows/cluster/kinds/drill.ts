import { ParentClosePolicy } from '@temporalio/workflow';
import { z } from 'zod';
import { DRILL_WORKFLOW_TYPE, operationWorkflowId, type DrillInput, type DrillResult } from '../../../shared/operations';
import { drillRefusal } from '../../drill/judge';
import { DEFAULT_DRILL_MAX_OUTAGE_MS } from '../../drill/tuning';
import { MAX_OUTAGE_LIMIT_MS } from '../../drill/validate';
import { knob } from '../request-fields';
import { needsCluster, type OperationKindDefinition } from './kind';

/**
 * `kubeha drill`: stops one control plane at a time and checks the endpoint and etcd keep working.
 * Refused on a cluster without HA (stacked etcd needs three control planes to keep quorum with one
 * down; with external etcd only the API servers are stopped, so two are enough).
 */
export const drillKind: OperationKindDefinition<'drill'> = {
  kind: 'drill',
  fields: {
    maxOutageMs: z.number().int().min(0).max(MAX_OUTAGE_LIMIT_MS).optional(),
    tuning: z.object({ retryInitialIntervalMs: knob, probeIntervalMs: knob, probeSlackMs: knob, restoreTimeoutMs: knob }).partial().strict().optional(),
  },
  workflowId: (cluster, operationId) => operationWorkflowId('drill', cluster, operationId),
  summary: (request) => `failover drill (outage bound ${request.maxOutageMs ?? DEFAULT_DRILL_MAX_OUTAGE_MS} ms)`,
  admit(state, request, inFlight) {
    const noCluster = needsCluster(state, inFlight, 'drill');
    if (noCluster) return noCluster;
    const { record } = state;
    const refusal = drillRefusal(record.spec as NonNullable<typeof record.spec>);
    if (refusal) return refusal;
    if (inFlight.some((r) => r.kind === 'drill')) return `a drill of ${record.name} is already queued or running: see kubeha ops ${record.name}`;
    return undefined;
  },
  async run({ record, op, request, runChild }) {
    const spec = record.spec;
    if (!spec || !record.kubernetesVersion) return { outcome: 'failed', message: 'the cluster has no successful bring-up' };
    const input: DrillInput = {
      spec: { ...spec, kubernetesVersion: record.kubernetesVersion },
      maxOutageMs: request.maxOutageMs ?? DEFAULT_DRILL_MAX_OUTAGE_MS,
      requestedBy: request.requestedBy,
      ...(request.tuning ? { tuning: request.tuning } : {}),
    };
    const result = await runChild<(input: DrillInput) => Promise<DrillResult>>(DRILL_WORKFLOW_TYPE, {
      args: [input],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: op.summary,
    });
    if (result.outcome === 'failed') return { outcome: 'failed', message: result.message ?? 'the drill failed' };
    const worst = Math.max(0, ...result.rows.map((r) => r.outageMs ?? 0));
    return { outcome: 'succeeded', message: `${result.rows.length} control planes stopped and restored; longest endpoint outage ${worst} ms` };
  },
};
