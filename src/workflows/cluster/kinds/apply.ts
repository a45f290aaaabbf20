import { ParentClosePolicy } from '@temporalio/workflow';
import { z } from 'zod';
import { APPLY_WORKFLOW_TYPE, type ApplyInput, type ApplyResult } from '../../../shared/apply';
import { operationWorkflowId } from '../../../shared/operations';
import type { ClusterSpec } from '../../../spec/types';
import { clusterSpecWireSchema, wireProblems } from '../../../spec/wire';
import { knob } from '../request-fields';
import { diffWorkers } from '../spec-diff';
import { needsCluster, type OperationKindDefinition } from './kind';

const diffOf = (record: { spec?: ClusterSpec; kubernetesVersion?: string }, wanted: ClusterSpec) =>
  record.spec && record.kubernetesVersion ? diffWorkers(record.spec, wanted, record.kubernetesVersion) : { problem: 'no spec recorded' };

export const applyKind: OperationKindDefinition<'apply'> = {
  kind: 'apply',
  fields: { spec: z.unknown(), tuning: z.record(z.string().max(64), knob).optional() },
  problems: (request) => wireProblems(clusterSpecWireSchema, request.spec).map((p) => `spec ${p}`),
  workflowId: (cluster, operationId) => operationWorkflowId('apply', cluster, operationId),
  summary(request, record) {
    const diff = diffOf(record, request.spec);
    if ('problem' in diff) return 'apply';
    const parts = [diff.added.length ? `add ${diff.added.map((h) => h.name).join(', ')}` : '', diff.removed.length ? `remove ${diff.removed.map((h) => h.name).join(', ')}` : ''];
    return `apply: ${parts.filter(Boolean).join('; ')}`;
  },
  admit(state, request, inFlight) {
    const noCluster = needsCluster(state, inFlight, 'apply a spec to');
    if (noCluster) return noCluster;
    const { record } = state;
    if (request.spec.name !== record.name) return `the spec describes cluster ${request.spec.name}, but this is the workflow of cluster ${record.name}`;
    // Judged against the record as it is now: another apply first would make this diff stale.
    if (inFlight.some((r) => r.kind === 'apply')) return `cluster ${record.name} already has an apply queued or running; ask again once it ended (kubeha ops ${record.name})`;
    const diff = diffOf(record, request.spec);
    return 'problem' in diff ? `cluster ${record.name}: ${diff.problem}` : undefined;
  },
  async run({ record, op, request, runChild }) {
    const diff = diffOf(record, request.spec);
    if ('problem' in diff) return { outcome: 'failed', message: diff.problem };
    const input: ApplyInput = {
      spec: request.spec,
      add: diff.added.map((h) => h.name),
      remove: diff.removed,
      requestedBy: request.requestedBy,
      ...(request.tuning ? { tuning: request.tuning } : {}),
    };
    const result = await runChild<(input: ApplyInput) => Promise<ApplyResult>>(APPLY_WORKFLOW_TYPE, { args: [input], parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL, staticSummary: op.summary });
    if (result.outcome === 'rejected') return { outcome: 'rejected', message: `${result.gate} rejected by ${result.by}: ${result.reason}` };
    record.spec = request.spec;
    record.nodes = [
      ...record.nodes.filter((n) => !result.removed.includes(n.name)),
      ...result.added.map(({ host, version }) => {
        const spec = request.spec.hosts.find((h) => h.name === host);
        return { name: host, address: spec?.address ?? '', role: 'worker' as const, ...(version ? { version } : {}) };
      }),
    ];
    return { outcome: 'succeeded' };
  },
};
