import { ApplicationFailure, CancelledFailure, ChildWorkflowFailure, ParentClosePolicy, startChild, type ChildWorkflowOptions } from '@temporalio/workflow';
import type { WithWorkflowArgs, Workflow } from '@temporalio/common';
import {
  UPGRADE_FAILED,
  UPGRADE_WORKFLOW_TYPE,
  type ClusterRecord,
  type NodeVersion,
  type OperationOutcome,
  type OperationRecord,
  type OperationRequest,
  type UpgradeFailure,
  type UpgradeInput,
  type UpgradeResult,
} from '../../shared/operations';
import type { bringUpCluster } from '../bring-up-cluster';

export interface OperationEnd {
  outcome: OperationOutcome;
  message?: string;
}

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

/** Starts the child, notes its run id in the operation (clients wait for it), then waits for its result. */
async function runChild<W extends Workflow>(op: OperationRecord, type: string, options: WithWorkflowArgs<W, ChildWorkflowOptions>): Promise<Awaited<ReturnType<W>>> {
  const child = await startChild<W>(type, options);
  op.runId = child.firstExecutionRunId;
  return (await child.result()) as Awaited<ReturnType<W>>;
}

function applyNodeVersions(record: ClusterRecord, nodes: readonly NodeVersion[]): void {
  for (const n of nodes) {
    const node = record.nodes.find((r) => r.name === n.host);
    if (node && n.kubelet) node.version = n.kubelet;
  }
}

async function runBringUp(record: ClusterRecord, op: OperationRecord, request: Extract<OperationRequest, { kind: 'bring-up' }>): Promise<OperationEnd> {
  const result = await runChild<typeof bringUpCluster>(op, 'bringUpCluster', {
    workflowId: op.workflowId,
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
}

async function runUpgrade(record: ClusterRecord, op: OperationRecord, request: Extract<OperationRequest, { kind: 'upgrade' }>): Promise<OperationEnd> {
  const spec = record.spec;
  if (!spec || !record.kubernetesVersion) return { outcome: 'failed', message: 'the cluster has no successful bring-up' };
  const input: UpgradeInput = {
    spec: { ...spec, kubernetesVersion: record.kubernetesVersion },
    to: request.to,
    maxUnavailable: request.maxUnavailable ?? 1,
    requestedBy: request.requestedBy,
    ...(request.tuning ? { tuning: request.tuning } : {}),
  };
  let result: UpgradeResult;
  try {
    result = await runChild<(input: UpgradeInput) => Promise<UpgradeResult>>(op, UPGRADE_WORKFLOW_TYPE, {
      workflowId: op.workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: op.summary,
    });
  } catch (err) {
    const cause = err instanceof ChildWorkflowFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === UPGRADE_FAILED) {
      const failure = cause.details?.[0] as UpgradeFailure | undefined;
      if (failure) {
        applyNodeVersions(record, failure.nodes);
        followControlPlane(record, request.to);
      }
    }
    throw err;
  }
  if (result.outcome === 'rejected') return { outcome: 'rejected', message: `${result.gate} rejected by ${result.by}: ${result.reason}` };
  applyNodeVersions(record, result.nodes);
  if (result.outcome === 'aborted') {
    followControlPlane(record, request.to);
    return { outcome: 'aborted', message: `aborted by ${result.by} before ${result.stoppedBefore}` };
  }
  record.kubernetesVersion = request.to;
  record.spec = { ...spec, kubernetesVersion: request.to };
  return { outcome: 'succeeded' };
}

/**
 * After an upgrade stopped half-way: the first control plane's kubelet is upgraded only after
 * `kubeadm upgrade apply` succeeded, so once it reports the target the control plane runs it.
 */
function followControlPlane(record: ClusterRecord, to: string): void {
  const first = record.spec?.hosts.find((h) => h.role === 'control-plane');
  const node = record.nodes.find((n) => n.name === first?.name);
  if (record.spec && node?.version === to) {
    record.kubernetesVersion = to;
    record.spec = { ...record.spec, kubernetesVersion: to };
  }
}

/** Runs one accepted operation as a child workflow and folds its outcome into the record. */
export async function runOperation(record: ClusterRecord, op: OperationRecord, request: OperationRequest): Promise<OperationEnd> {
  try {
    return request.kind === 'bring-up' ? await runBringUp(record, op, request) : await runUpgrade(record, op, request);
  } catch (err) {
    if (err instanceof CancelledFailure) throw err;
    return endFromFailure(err);
  }
}
