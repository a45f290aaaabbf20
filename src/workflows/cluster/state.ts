import type { ClusterRecord, OperationRecord, OperationRequest } from '../../shared/operations';

export interface QueuedOperation {
  record: OperationRecord;
  request: OperationRequest;
}

/** Everything the cluster workflow knows; carried whole into the next run on continue-as-new. */
export interface ClusterState {
  record: ClusterRecord;
  /** Accepted and not started yet, in order. */
  queue: QueuedOperation[];
  nextSeq: number;
}

export interface ClusterLifecycleInput {
  cluster: string;
  /** Set by continue-as-new only. */
  carried?: ClusterState;
}

/** Ended operations kept in the record; older ones stay in the earlier runs' histories. */
export const HISTORY_KEPT = 100;

export function emptyState(cluster: string): ClusterState {
  return { record: { name: cluster, nodes: [], queue: [], history: [] }, queue: [], nextSeq: 1 };
}

export function operationsInFlight(state: ClusterState): OperationRecord[] {
  return [...(state.record.current ? [state.record.current] : []), ...state.queue.map((q) => q.record)];
}

export function requestsInFlight(state: ClusterState, current?: OperationRequest): OperationRequest[] {
  return [...(current ? [current] : []), ...state.queue.map((q) => q.request)];
}

export function endOperation(state: ClusterState, op: OperationRecord, at: string, outcome: NonNullable<OperationRecord['outcome']>, message?: string): void {
  addToHistory(state, { ...op, state: 'ended', endedAt: at, outcome, ...(message ? { message } : {}) });
  state.record.current = undefined;
}

/** Appends an ended operation, keeping the last HISTORY_KEPT. */
export function addToHistory(state: ClusterState, ended: OperationRecord): void {
  state.record.history.push(ended);
  if (state.record.history.length > HISTORY_KEPT) state.record.history.splice(0, state.record.history.length - HISTORY_KEPT);
}
