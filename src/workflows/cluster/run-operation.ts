import type { WithWorkflowArgs, Workflow } from '@temporalio/common';
import { CancelledFailure, ChildWorkflowFailure, startChild, type ChildWorkflowOptions } from '@temporalio/workflow';
import type { ClusterRecord, OperationRecord, OperationRequest } from '../../shared/operations';
import { kindOf } from './kinds';
import type { OperationEnd, RunChild } from './kinds/kind';

export type { OperationEnd };

function failureMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}

function endFromFailure(err: unknown): OperationEnd {
  if (err instanceof ChildWorkflowFailure && err.cause instanceof CancelledFailure) return { outcome: 'cancelled', message: 'the operation was cancelled' };
  return { outcome: 'failed', message: failureMessage(err) };
}

/** Runs one accepted operation as a child workflow (its id fixed at acceptance) and folds its outcome into the record. */
export async function runOperation(record: ClusterRecord, op: OperationRecord, request: OperationRequest): Promise<OperationEnd> {
  const runChild: RunChild = async (type, options) => {
    const child = await startChild(type, { ...options, workflowId: op.workflowId } as WithWorkflowArgs<Workflow, ChildWorkflowOptions>);
    op.runId = child.firstExecutionRunId;
    return (await child.result()) as never;
  };
  try {
    return await kindOf(request.kind).run({ record, op, request, runChild });
  } catch (err) {
    if (err instanceof CancelledFailure) throw err;
    return endFromFailure(err);
  }
}
