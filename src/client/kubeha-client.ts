import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { CancelledFailure, TemporalFailure } from '@temporalio/common';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import { DEFAULT_TASK_QUEUE } from '../shared/task-queue';
import { bringUpWorkflowId } from '../shared/workflow-ids';
import {
  approvalUpdateId,
  approveUpdate,
  progressQuery,
  rejectUpdate,
  type ApprovalDecision,
  type BringUpInput,
  type BringUpProgress,
  type BringUpResult,
} from '../shared/messages';
import type { ApprovalGate, ClusterSpec } from '../spec/types';
import type { bringUpCluster } from '../workflows/bring-up-cluster';
import { OperationError } from './errors';

export interface KubehaClientOptions {
  client: Client;
  taskQueue?: string;
}

export interface StartBringUpOptions {
  requestedBy?: string;
  tuning?: BringUpInput['tuning'];
}

export interface StartedBringUp {
  workflowId: string;
  runId: string;
}

function innermostMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error) {
    if (current.message) message = current.message;
    current = current instanceof TemporalFailure || current instanceof WorkflowFailedError || current instanceof WorkflowUpdateFailedError ? current.cause : undefined;
  }
  return message;
}

/** Typed access to kubeha's workflows for the CLI and other services. */
export class KubehaClient {
  readonly taskQueue: string;

  constructor(private readonly options: KubehaClientOptions) {
    this.taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  }

  private handle(cluster: string): WorkflowHandle<typeof bringUpCluster> {
    return this.options.client.workflow.getHandle<typeof bringUpCluster>(bringUpWorkflowId(cluster));
  }

  /** Starts the bring-up; refuses a cluster that is being brought up or already was (successfully). */
  async startBringUp(spec: ClusterSpec, opts: StartBringUpOptions = {}): Promise<StartedBringUp> {
    const workflowId = bringUpWorkflowId(spec.name);
    await this.refuseIfAlreadyUp(spec.name);
    try {
      const handle = await this.options.client.workflow.start<typeof bringUpCluster>('bringUpCluster', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [{ spec, ...(opts.requestedBy ? { requestedBy: opts.requestedBy } : {}), ...(opts.tuning ? { tuning: opts.tuning } : {}) }],
        typedSearchAttributes: [
          { key: KubehaCluster, value: spec.name },
          { key: KubehaPhase, value: 'starting' },
        ],
        staticSummary: `bring up cluster ${spec.name}`,
        staticDetails: `${spec.hosts.length} hosts, Kubernetes ${spec.kubernetesVersion}, endpoint ${spec.controlPlaneEndpoint}`,
      });
      return { workflowId, runId: handle.firstExecutionRunId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw this.alreadyRunning(spec.name);
      throw err;
    }
  }

  private alreadyRunning(cluster: string): OperationError {
    return new OperationError(
      `cluster ${cluster} is already being brought up (workflow ${bringUpWorkflowId(cluster)})`,
      `see kubeha status ${cluster}; kubeha cancel ${cluster} stops it`,
    );
  }

  private async refuseIfAlreadyUp(cluster: string): Promise<void> {
    let status: string;
    try {
      status = (await this.handle(cluster).describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return;
      throw err;
    }
    if (status === 'RUNNING') throw this.alreadyRunning(cluster);
    if (status !== 'COMPLETED') return;
    const result = await this.handle(cluster).result();
    if (result.outcome === 'succeeded') {
      throw new OperationError(
        `cluster ${cluster} was already brought up successfully (workflow ${bringUpWorkflowId(cluster)})`,
        `see kubeha status ${cluster}; a cluster is brought up once — pick another name for a new one`,
      );
    }
  }

  async progress(cluster: string): Promise<BringUpProgress> {
    try {
      return await this.handle(cluster).query(progressQuery);
    } catch (err) {
      throw this.explain(cluster, err);
    }
  }

  /**
   * Approves `gate` as `by`. Idempotent: the update id is derived from gate and approver, so a
   * retry (or a second `kubeha approve` by the same person) gets the decision already made.
   */
  async approve(cluster: string, gate: ApprovalGate, by: string, comment?: string): Promise<ApprovalDecision> {
    try {
      return await this.handle(cluster).executeUpdate(approveUpdate, {
        args: [{ gate, by, ...(comment ? { comment } : {}) }],
        updateId: approvalUpdateId('approve', gate, by),
      });
    } catch (err) {
      throw this.explain(cluster, err);
    }
  }

  async reject(cluster: string, gate: ApprovalGate, by: string, reason: string): Promise<ApprovalDecision> {
    try {
      return await this.handle(cluster).executeUpdate(rejectUpdate, { args: [{ gate, by, reason }], updateId: approvalUpdateId('reject', gate, by) });
    } catch (err) {
      throw this.explain(cluster, err);
    }
  }

  async cancel(cluster: string): Promise<void> {
    try {
      await this.handle(cluster).cancel();
    } catch (err) {
      throw this.explain(cluster, err);
    }
  }

  /** The bring-up's result; a failed bring-up throws OperationError naming step, host and error. */
  async result(cluster: string): Promise<BringUpResult> {
    try {
      return await this.handle(cluster).result();
    } catch (err) {
      if (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) {
        throw new OperationError(`bring-up of ${cluster} was cancelled; joins that had started were undone`, `see kubeha status ${cluster}`);
      }
      if (err instanceof WorkflowFailedError) {
        throw new OperationError(`bring-up of ${cluster} failed: ${innermostMessage(err)}`, `see kubeha status ${cluster}`);
      }
      throw this.explain(cluster, err);
    }
  }

  /** Whether any worker polled the task queue for workflow tasks recently (the server keeps pollers for about a minute). */
  async hasWorkers(): Promise<boolean> {
    const { client } = this.options;
    const response = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: this.taskQueue } });
    return (response.pollers?.length ?? 0) > 0;
  }

  /** RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED... */
  async status(cluster: string): Promise<string> {
    try {
      return (await this.handle(cluster).describe()).status.name;
    } catch (err) {
      throw this.explain(cluster, err);
    }
  }

  private explain(cluster: string, err: unknown): unknown {
    if (err instanceof WorkflowNotFoundError) {
      return new OperationError(`no bring-up found for cluster ${cluster} (workflow ${bringUpWorkflowId(cluster)})`, `start one with kubeha up -f <spec>`);
    }
    if (err instanceof WorkflowUpdateFailedError) {
      return new OperationError(`cluster ${cluster}: ${innermostMessage(err)}`, `see kubeha status ${cluster} for the pending approvals`);
    }
    return err;
  }
}
