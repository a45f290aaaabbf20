import { ParentClosePolicy } from '@temporalio/workflow';
import { z } from 'zod';
import { operationWorkflowId, REJOIN_WORKFLOW_TYPE, type RejoinInput, type RejoinResult } from '../../../shared/operations';
import { PATTERNS } from '../../../spec/patterns';
import { rejoinTargetProblem } from '../../rejoin/validate';
import { needsCluster, type OperationKindDefinition } from './kind';

export const rejoinKind: OperationKindDefinition<'rejoin'> = {
  kind: 'rejoin',
  fields: {
    node: z.string().regex(PATTERNS.nodeName, { error: (iss) => `${JSON.stringify(iss.input)} is not a node name` }),
  },
  workflowId: (cluster, operationId) => operationWorkflowId('rejoin', cluster, operationId),
  summary: (request, record) => {
    const role = record.nodes.find((n) => n.name === request.node)?.role ?? 'node';
    return `rejoin ${request.node} (${role})`;
  },
  admit(state, request, inFlight) {
    const noCluster = needsCluster(state, inFlight, 'rejoin a node of');
    if (noCluster) return noCluster;
    const { record } = state;
    const problem = rejoinTargetProblem(record.spec as NonNullable<typeof record.spec>, request.node);
    if (problem) return problem;
    // Asking again for a rejoin of the same node while one is queued or running adds nothing.
    if (inFlight.some((r) => r.kind === 'rejoin' && r.node === request.node)) return `a rejoin of ${request.node} is already queued or running: see kubeha ops ${record.name}`;
    if (inFlight.some((r) => r.kind === 'replace' && r.node === request.node)) return `a replace of ${request.node} is queued or running: it joins ${request.node} anew; see kubeha ops ${record.name}`;
    return undefined;
  },
  async run({ record, op, request, runChild }) {
    const spec = record.spec;
    if (!spec || !record.kubernetesVersion) return { outcome: 'failed', message: 'the cluster has no successful bring-up' };
    const input: RejoinInput = { spec: { ...spec, kubernetesVersion: record.kubernetesVersion }, node: request.node, requestedBy: request.requestedBy };
    const result = await runChild<(input: RejoinInput) => Promise<RejoinResult>>(REJOIN_WORKFLOW_TYPE, {
      args: [input],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: op.summary,
    });
    const node = record.nodes.find((n) => n.name === result.node);
    if (node) {
      if (result.version) node.version = result.version;
      if (result.etcdMemberId) node.etcdMemberId = result.etcdMemberId;
      else if (result.role === 'control-plane') delete node.etcdMemberId;
    }
    const removed = result.removedMemberIds.length ? `etcd member ${result.removedMemberIds.join(', ')} removed` : '';
    const added = result.etcdMemberId ? `now member ${result.etcdMemberId}` : '';
    const message = [removed, added].filter(Boolean).join(', ');
    return { outcome: 'succeeded', ...(message ? { message } : {}) };
  },
};
