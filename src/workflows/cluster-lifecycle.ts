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
  requestOperationSignal,
  requestOperationUpdate,
  type OperationAccepted,
  type OperationRecord,
  type OperationRequest,
} from '../shared/operations';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import { admissionProblem } from './cluster/admission';
import { kindOf, kindOfOrUndefined } from './cluster/kinds';
import { recordMarkdown } from './cluster/markdown';
import { requestProblems } from './cluster/request-schema';
import { runOperation } from './cluster/run-operation';
import { addToHistory, emptyState, endOperation, type ClusterLifecycleInput, type ClusterState } from './cluster/state';

const now = (): string => new Date().toISOString();

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
  const accept = (request: OperationRequest): OperationAccepted => {
    const id = `op-${state.nextSeq++}`;
    const op: OperationRecord = {
      id,
      kind: request.kind,
      summary: kindOf(request.kind).summary(request, record),
      requestedBy: request.requestedBy,
      requestedAt: now(),
      workflowId: kindOf(request.kind).workflowId(record.name, id),
      state: 'queued',
    };
    state.queue.push({ record: op, request });
    publish();
    return { operationId: id, workflowId: op.workflowId, queuePosition: state.queue.length - (record.current ? 0 : 1) };
  };
  const refusal = (request: OperationRequest): ApplicationFailure | undefined => {
    const problems = requestProblems(request);
    if (problems.length > 0) return ApplicationFailure.nonRetryable(`not an operation kubeha accepts: ${problems.join('; ')}`, FailureTypes.invalidSpec);
    const problem = admissionProblem(state, request, running);
    return problem ? ApplicationFailure.nonRetryable(problem, 'OperationRefused') : undefined;
  };

  setHandler(clusterRecordQuery, () => ({ ...record, queue: state.queue.map((q) => q.record) }));
  setHandler(requestOperationUpdate, accept, {
    validator: (request) => {
      const refused = refusal(request);
      if (refused) throw refused;
    },
  });
  // A signal has nobody to answer: a refused request goes into the history, saying why.
  setHandler(requestOperationSignal, (request) => {
    const refused = refusal(request);
    if (!refused) {
      accept(request);
      return;
    }
    const at = now();
    const kind = typeof request?.kind === 'string' && kindOfOrUndefined(request.kind) ? request.kind : 'bring-up';
    const by = typeof request?.requestedBy === 'string' ? request.requestedBy.slice(0, 200) : 'unknown';
    const id = `op-${state.nextSeq++}`;
    addToHistory(state, { id, kind, summary: `${String(request?.kind).slice(0, 40)} (signal)`, requestedBy: by, requestedAt: at, workflowId: '', state: 'ended', endedAt: at, outcome: 'rejected', message: refused.message });
    publish();
  });

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
