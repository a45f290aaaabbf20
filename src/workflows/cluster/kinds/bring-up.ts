import { ParentClosePolicy } from '@temporalio/workflow';
import { z } from 'zod';
import { bringUpWorkflowId } from '../../../shared/workflow-ids';
import { clusterSpecWireSchema, wireProblems } from '../../../spec/wire';
import type { bringUpCluster } from '../../bring-up-cluster';
import { knob } from '../request-fields';
import type { OperationKindDefinition } from './kind';

export const bringUpKind: OperationKindDefinition<'bring-up'> = {
  kind: 'bring-up',
  fields: { spec: z.unknown(), tuning: z.record(z.string().max(64), knob).optional() },
  problems: (request) => wireProblems(clusterSpecWireSchema, request.spec).map((p) => `spec ${p}`),
  workflowId: (cluster) => bringUpWorkflowId(cluster),
  summary: (request) => `bring-up ${request.spec.kubernetesVersion} (${request.spec.hosts.length} hosts)`,
  admit({ record }, request, inFlight) {
    if (request.spec.name !== record.name) return `the spec describes cluster ${request.spec.name}, but this is the workflow of cluster ${record.name}`;
    if (inFlight.some((r) => r.kind === 'bring-up')) return `cluster ${record.name} is already being brought up (workflow ${bringUpWorkflowId(record.name)})`;
    if (record.spec) return `cluster ${record.name} was already brought up successfully (workflow ${bringUpWorkflowId(record.name)})`;
    return undefined;
  },
  async run({ record, request, runChild }) {
    const result = await runChild<typeof bringUpCluster>('bringUpCluster', {
      args: [{ spec: request.spec, requestedBy: request.requestedBy, ...(request.tuning ? { tuning: request.tuning } : {}) }],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: `bring up cluster ${request.spec.name}`,
    });
    if (result.outcome === 'rejected') return { outcome: 'rejected', message: `${result.gate} rejected by ${result.by}: ${result.reason}` };
    const { report } = result;
    record.spec = request.spec;
    record.kubernetesVersion = request.spec.kubernetesVersion;
    record.nodes = request.spec.hosts
      .filter((h) => h.role !== 'load-balancer')
      .map((h) => {
        const host = report.hosts.find((r) => r.name === h.name);
        const member = report.etcdMembers.find((m) => m.name === h.name);
        return { name: h.name, address: h.address, role: h.role, ...(host?.version ? { version: host.version } : {}), ...(member ? { etcdMemberId: member.id } : {}) };
      });
    const failed = report.failedWorkers;
    return { outcome: 'succeeded', ...(failed.length ? { message: `workers that did not join: ${failed.join(', ')}` } : {}) };
  },
};
