import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureTypes } from '../activities/types';
import {
  clusterRecordQuery,
  requestOperationUpdate,
  upgradeWorkflowId,
  type OperationAccepted,
  type OperationRecord,
  type OperationRequest,
} from '../shared/operations';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import { bringUpWorkflowId } from '../shared/workflow-ids';
import { admissionProblem } from './cluster/admission';
import { recordMarkdown } from './cluster/markdown';
import { requestProblems } from './cluster/request-schema';
import { runOperation } from './cluster/run-operation';
import { emptyState, endOperation, type ClusterLifecycleInput, type ClusterState } from './cluster/state';

const now = (): string => new Date().toISOString();

function summaryOf(request: OperationRequest, from: string | undefined): string {
  if (request.kind === 'bring-up') return `bring-up ${request.spec.kubernetesVersion} (${request.spec.hosts.length} hosts)`;
  return `upgrade ${from ?? '?'} -> ${request.to} (maxUnavailable ${request.maxUnavailable ?? 1})`;
}

/**
 * One workflow per cluster, for the cluster's whole life (id `clusterWorkflowId(name)`). It takes
 * operations as updates, validated before they are accepted, and runs them one at a time as
 * child workflows; later requests wait in its queue. Its record (spec, versions, etcd members,
 * operation history) is what `kubeha ops` and other services read.
 */
export async function clusterLifecycle(input: ClusterLifecycleInput): Promise<never> {
  const state: ClusterState = input.carried ?? emptyState(input.cluster);
  const { record } = state;
  let running: OperationRequest | undefined;

  const publish = (): void => {
    record.queue = state.queue.map((q) => q.record);
    upsertSearchAttributes([{ key: KubehaPhase, value: record.current ? record.current.kind : 'idle' }]);
    setCurrentDetails(recordMarkdown(record));
  };

  setHandler(clusterRecordQuery, () => ({ ...record, queue: state.queue.map((q) => q.record) }));
  setHandler(
    requestOperationUpdate,
    (request): OperationAccepted => {
      const id = `op-${state.nextSeq++}`;
      const op: OperationRecord = {
        id,
        kind: request.kind,
        summary: summaryOf(request, record.kubernetesVersion),
        requestedBy: request.requestedBy,
        requestedAt: now(),
        workflowId: request.kind === 'bring-up' ? bringUpWorkflowId(record.name) : upgradeWorkflowId(record.name, id),
        state: 'queued',
      };
      state.queue.push({ record: op, request });
      publish();
      return { operationId: id, workflowId: op.workflowId, queuePosition: state.queue.length - (record.current ? 0 : 1) };
    },
    {
      validator: (request) => {
        const problems = requestProblems(request);
        if (problems.length > 0) throw ApplicationFailure.nonRetryable(`not an operation kubeha accepts: ${problems.join('; ')}`, FailureTypes.invalidSpec);
        const problem = admissionProblem(state, request, running);
        if (problem) throw ApplicationFailure.nonRetryable(problem, 'OperationRefused');
      },
    },
  );

  upsertSearchAttributes([{ key: KubehaCluster, value: record.name }]);
  publish();
  for (;;) {
    await condition(() => state.queue.length > 0 || workflowInfo().continueAsNewSuggested);
    const next = state.queue.shift();
    if (!next) {
      // Nothing running: the whole state fits in the next run's input.
      await condition(allHandlersFinished);
      if (state.queue.length === 0) await continueAsNew<typeof clusterLifecycle>({ cluster: record.name, carried: state });
      continue;
    }
    running = next.request;
    record.current = { ...next.record, state: 'running', startedAt: now() };
    publish();
    const end = await runOperation(record, record.current, next.request);
    endOperation(state, record.current, now(), end.outcome, end.message);
    running = undefined;
    publish();
  }
}
