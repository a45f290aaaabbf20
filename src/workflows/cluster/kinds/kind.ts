import type { WithWorkflowArgs, Workflow } from '@temporalio/common';
import type { ChildWorkflowOptions } from '@temporalio/workflow';
import type { z } from 'zod';
import type { ClusterRecord, OperationKind, OperationOutcome, OperationRecord, OperationRequest } from '../../../shared/operations';
import type { ClusterState } from '../state';

export interface OperationEnd {
  outcome: OperationOutcome;
  message?: string;
}

/** Starts a child workflow for the operation (noting its run id in the record) and waits for its result. */
export type RunChild = <W extends Workflow>(type: string, options: WithWorkflowArgs<W, Omit<ChildWorkflowOptions, 'workflowId'>>) => Promise<Awaited<ReturnType<W>>>;

export type RequestOf<K extends OperationKind> = Extract<OperationRequest, { kind: K }>;

/**
 * One kind of operation the cluster workflow runs: how its request is checked, when the cluster
 * takes it, which child workflow runs it and how its outcome changes the record. Adding a kind is
 * one file in this directory and one line in `index.ts`.
 */
export interface OperationKindDefinition<K extends OperationKind = OperationKind> {
  kind: K;
  /** The request's own fields (besides `kind` and `requestedBy`), checked in the update validator. */
  fields: z.ZodRawShape;
  /** Deeper checks of a well-shaped request, each one line (e.g. a bring-up's spec). */
  problems?(request: RequestOf<K>): string[];
  workflowId(cluster: string, operationId: string): string;
  /** One line for the record, from the request and the cluster as it is when asked. */
  summary(request: RequestOf<K>, record: ClusterRecord): string;
  /**
   * Why the cluster cannot take this request now, or undefined. `inFlight` is what runs and waits
   * before it, in order. Runs in the update validator: pure, synchronous, no host touched.
   */
  admit(state: ClusterState, request: RequestOf<K>, inFlight: readonly OperationRequest[]): string | undefined;
  /** Runs it through `runChild` and folds the outcome into `record`; a thrown child failure ends it as failed. */
  run(ctx: { record: ClusterRecord; op: OperationRecord; request: RequestOf<K>; runChild: RunChild }): Promise<OperationEnd>;
}

/** The common rule for every operation but the bring-up: there is a cluster to act on. */
export function needsCluster(state: ClusterState, inFlight: readonly OperationRequest[], what: string): string | undefined {
  const { record } = state;
  if (record.spec && record.kubernetesVersion) return undefined;
  return inFlight.some((r) => r.kind === 'bring-up')
    ? `cluster ${record.name} is still being brought up; ask for the ${what} once the bring-up succeeded`
    : `cluster ${record.name} has no successful bring-up to ${what}`;
}
