import { ParentClosePolicy } from '@temporalio/workflow';
import { z } from 'zod';
import { operationWorkflowId, REJOIN_WORKFLOW_TYPE, type RejoinInput, type RejoinResult } from '../../../shared/operations';
import { PATTERNS } from '../../../spec/patterns';
import { withNodeAddress } from '../../rejoin/replacement';
import { replaceTargetProblem } from '../../rejoin/validate';
import { needsCluster, type OperationKindDefinition } from './kind';

/**
 * kubeha replace: the rejoin's workflow with the node's new address. On success the record's spec
 * and node carry the new address (the user's spec file must follow, or apply would see a difference).
 */
export const replaceKind: OperationKindDefinition<'replace'> = {
  kind: 'replace',
  fields: {
    node: z.string().regex(PATTERNS.nodeName, { error: (iss) => `${JSON.stringify(iss.input)} is not a node name` }),
    address: z.string().min(1).max(253),
  },
  workflowId: (cluster, operationId) => operationWorkflowId('replace', cluster, operationId),
  summary: (request, record) => {
    const node = record.nodes.find((n) => n.name === request.node);
    return `replace ${request.node} (${node?.role ?? 'node'}) ${node?.address ?? '?'} -> ${request.address}`;
  },
  admit(state, request, inFlight) {
    const noCluster = needsCluster(state, inFlight, 'replace a node of');
    if (noCluster) return noCluster;
    const { record } = state;
    const problem = replaceTargetProblem(record.spec as NonNullable<typeof record.spec>, request.node, request.address);
    if (problem) return problem;
    // Judged against the recorded addresses: a queued replace or rejoin of the node would make this one stale.
    if (inFlight.some((r) => (r.kind === 'replace' || r.kind === 'rejoin') && r.node === request.node)) return `a ${request.node} rejoin or replace is already queued or running: see kubeha ops ${record.name}`;
    if (inFlight.some((r) => r.kind === 'replace' && r.address === request.address)) return `a replace to ${request.address} is already queued or running: see kubeha ops ${record.name}`;
    return undefined;
  },
  async run({ record, op, request, runChild }) {
    const spec = record.spec;
    if (!spec || !record.kubernetesVersion) return { outcome: 'failed', message: 'the cluster has no successful bring-up' };
    const input: RejoinInput = { spec: { ...spec, kubernetesVersion: record.kubernetesVersion }, node: request.node, address: request.address, requestedBy: request.requestedBy };
    const result = await runChild<(input: RejoinInput) => Promise<RejoinResult>>(REJOIN_WORKFLOW_TYPE, {
      args: [input],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: op.summary,
    });
    const address = result.address ?? request.address;
    record.spec = withNodeAddress(spec, result.node, address);
    const node = record.nodes.find((n) => n.name === result.node);
    if (node) {
      node.address = address;
      if (result.version) node.version = result.version;
      if (result.etcdMemberId) node.etcdMemberId = result.etcdMemberId;
      else if (result.role === 'control-plane') delete node.etcdMemberId;
    }
    const parts = [
      `${result.node} now at ${address}`,
      result.removedMemberIds.length ? `etcd member ${result.removedMemberIds.join(', ')} removed` : '',
      result.etcdMemberId ? `now member ${result.etcdMemberId}` : '',
      ...(result.notes ?? []),
    ];
    return { outcome: 'succeeded', message: parts.filter(Boolean).join('; ') };
  },
};
