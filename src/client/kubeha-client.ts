import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleDescription,
  WithStartWorkflowOperation,
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
  OPERATION_GATES,
  approveUpdate,
  finalProgressUpdate,
  progressQuery,
  rejectUpdate,
  type ApprovalDecision,
  type BringUpInput,
  type BringUpProgress,
  type BringUpResult,
} from '../shared/messages';
import type { ApprovalGate, ClusterSpec, OperationGate } from '../spec/types';
import {
  abortUpdate,
  certificatesScheduleId,
  clusterRecordQuery,
  clusterWorkflowId,
  CLUSTER_WORKFLOW_TYPE,
  pauseUpdate,
  requestOperationUpdate,
  resumeUpdate,
  SCHEDULED_CERTIFICATES_CHECK_WORKFLOW_TYPE,
  type ScheduledCertificatesCheckInput,
  type ClusterRecord,
  type OperationAccepted,
  type OperationKind,
  type OperationRecord,
  type OperationRequest,
  type RolloutControl,
  type ReplaceRequest,
  type UpgradeRequest,
} from '../shared/operations';
import type { bringUpCluster } from '../workflows/bring-up-cluster';
import type { clusterLifecycle } from '../workflows/cluster-lifecycle';
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
  /** The bring-up's own workflow (a child of the cluster workflow). */
  workflowId: string;
  operationId: string;
  queuePosition: number;
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
/** The operation kind whose workflow holds each operation gate. */
const GATE_HOLDERS: Record<OperationGate, OperationKind> = { 'before-upgrade-apply': 'upgrade', 'before-remove-workers': 'apply', 'before-reset': 'reset' };

export class KubehaClient {
  readonly taskQueue: string;

  constructor(private readonly options: KubehaClientOptions) {
    this.taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  }

  private handle(cluster: string): WorkflowHandle<typeof bringUpCluster> {
    return this.options.client.workflow.getHandle<typeof bringUpCluster>(bringUpWorkflowId(cluster));
  }

  private clusterHandle(cluster: string): WorkflowHandle<typeof clusterLifecycle> {
    return this.options.client.workflow.getHandle<typeof clusterLifecycle>(clusterWorkflowId(cluster));
  }

  /**
   * Asks the cluster's workflow to bring the cluster up, creating that workflow if this is the
   * first request (update-with-start). The cluster workflow refuses a second bring-up itself.
   */
  async startBringUp(spec: ClusterSpec, opts: StartBringUpOptions = {}): Promise<StartedBringUp> {
    const request: OperationRequest = { kind: 'bring-up', spec, requestedBy: opts.requestedBy ?? 'unknown', ...(opts.tuning ? { tuning: opts.tuning } : {}) };
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof clusterLifecycle>(CLUSTER_WORKFLOW_TYPE, {
      taskQueue: this.taskQueue,
      workflowId: clusterWorkflowId(spec.name),
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ cluster: spec.name }],
      typedSearchAttributes: [
        { key: KubehaCluster, value: spec.name },
        { key: KubehaPhase, value: 'idle' },
      ],
      staticSummary: `cluster ${spec.name}`,
      staticDetails: `${spec.hosts.length} hosts, endpoint ${spec.controlPlaneEndpoint}`,
    });
    try {
      const accepted = await this.options.client.workflow.executeUpdateWithStart(requestOperationUpdate, { args: [request], startWorkflowOperation });
      if (accepted.queuePosition === 0) await this.untilStarted(spec.name, accepted.operationId);
      return { workflowId: accepted.workflowId, operationId: accepted.operationId, queuePosition: accepted.queuePosition };
    } catch (err) {
      throw this.explainCluster(spec.name, err);
    }
  }

  /** Until the operation's child workflow runs (so its progress and result can be asked for), or ~30 s passed. */
  private async untilStarted(cluster: string, operationId: string): Promise<void> {
    for (let i = 0; i < 150; i++) {
      const op = await this.operation(cluster, operationId);
      if (!op || op.runId || op.state === 'ended') return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Queues an upgrade on an existing cluster; refused (nothing queued, no host touched) when kubeadm's skew rules forbid it. */
  async requestUpgrade(cluster: string, upgrade: Omit<UpgradeRequest, 'kind'>, requestedBy: string): Promise<OperationAccepted> {
    return this.request(cluster, { kind: 'upgrade', ...upgrade, requestedBy });
  }

  /** Queues the replacement of a node's dead host by a fresh host at `address`; refused (nothing queued) when the node, the address or quorum does not allow it. */
  async requestReplace(cluster: string, replace: Omit<ReplaceRequest, 'kind'>, requestedBy: string): Promise<OperationAccepted> {
    return this.request(cluster, { kind: 'replace', ...replace, requestedBy });
  }

  /** Any operation on an existing cluster workflow (it must have been created by a bring-up). */
  async request(cluster: string, request: OperationRequest): Promise<OperationAccepted> {
    try {
      return await this.clusterHandle(cluster).executeUpdate(requestOperationUpdate, { args: [request] });
    } catch (err) {
      throw this.explainCluster(cluster, err);
    }
  }

  /** The cluster's record: spec, versions, etcd members, the running operation, the queue and the history. */
  async record(cluster: string): Promise<ClusterRecord> {
    try {
      return await this.clusterHandle(cluster).query(clusterRecordQuery);
    } catch (err) {
      throw this.explainCluster(cluster, err);
    }
  }

  /** Names of the clusters that have a cluster workflow (running ones, from the visibility store). */
  async listClusters(): Promise<string[]> {
    const names: string[] = [];
    for await (const wf of this.options.client.workflow.list({ query: `WorkflowType = '${CLUSTER_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'` })) {
      const name = wf.searchAttributes?.KubehaCluster?.[0];
      if (typeof name === 'string') names.push(name);
    }
    return names.sort();
  }

  /** Where the operation is now (queued, running, ended with its outcome), or undefined when the cluster never had it. */
  async operation(cluster: string, operationId: string): Promise<OperationRecord | undefined> {
    const record = await this.record(cluster);
    return [...(record.current ? [record.current] : []), ...record.queue, ...record.history].find((op) => op.id === operationId);
  }

  /** Waits until the operation ended; polls the record (the cluster workflow itself never ends). */
  async awaitOperation(cluster: string, operationId: string, options: { pollMs?: number; signal?: AbortSignal } = {}): Promise<OperationRecord> {
    for (;;) {
      const op = await this.operation(cluster, operationId);
      if (!op) throw new OperationError(`cluster ${cluster} has no operation ${operationId}`, `see kubeha ops ${cluster}`);
      if (op.state === 'ended') return op;
      if (options.signal?.aborted) throw new OperationError(`stopped waiting for ${operationId} on ${cluster}; it goes on`, `see kubeha ops ${cluster}`);
      await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    }
  }

  /** The progress query (`progress`) of an operation's child workflow; its shape is the operation's. */
  async operationProgress<P>(workflowId: string): Promise<P> {
    return this.options.client.workflow.getHandle(workflowId).query<P>('progress');
  }

  /** Pause, resume or abort the running rollout at its next safe point (between hosts). */
  async controlRollout(cluster: string, action: 'pause' | 'resume' | 'abort', control: RolloutControl): Promise<string> {
    const current = (await this.record(cluster)).current;
    if (!current || current.kind !== 'upgrade') throw new OperationError(`cluster ${cluster} has no upgrade running`, `see kubeha ops ${cluster}`);
    const update = action === 'pause' ? pauseUpdate : action === 'resume' ? resumeUpdate : abortUpdate;
    try {
      return await this.options.client.workflow.getHandle(current.workflowId).executeUpdate(update, { args: [control] });
    } catch (err) {
      throw this.explainCluster(cluster, err);
    }
  }

  /** The result of an operation's child workflow once it ended (e.g. a certificates operation's per-host table). */
  async operationResult<R>(workflowId: string): Promise<R> {
    return (await this.options.client.workflow.getHandle(workflowId).result()) as R;
  }

  /**
   * Creates or updates the cluster's Schedule `kubeha-certs-<cluster>`: every `everyMs` it starts
   * `scheduledCertificatesCheck`, which asks the cluster workflow for a certificates check.
   */
  async scheduleCertificateChecks(cluster: string, options: { everyMs: number; renewWithinDays?: number }): Promise<ScheduleDescription> {
    const scheduleId = certificatesScheduleId(cluster);
    const input: ScheduledCertificatesCheckInput = { cluster, scheduleId, ...(options.renewWithinDays !== undefined ? { renewWithinDays: options.renewWithinDays } : {}) };
    const action = {
      type: 'startWorkflow' as const,
      workflowType: SCHEDULED_CERTIFICATES_CHECK_WORKFLOW_TYPE,
      workflowId: `kubeha-certs-check-${cluster}`,
      taskQueue: this.taskQueue,
      args: [input],
      typedSearchAttributes: [{ key: KubehaCluster, value: cluster }],
    };
    const spec = { intervals: [{ every: options.everyMs }] };
    try {
      await this.options.client.schedule.create({ scheduleId, spec, action, policies: { overlap: 'SKIP' as const }, memo: { cluster } });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await this.options.client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
    }
    return this.options.client.schedule.getHandle(scheduleId).describe();
  }

  /** The cluster's certificate Schedule, or undefined when it has none. */
  async describeCertificateSchedule(cluster: string): Promise<ScheduleDescription | undefined> {
    try {
      return await this.options.client.schedule.getHandle(certificatesScheduleId(cluster)).describe();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return undefined;
      throw err;
    }
  }

  /** Deletes the cluster's certificate Schedule; false when there was none. */
  async deleteCertificateSchedule(cluster: string): Promise<boolean> {
    try {
      await this.options.client.schedule.getHandle(certificatesScheduleId(cluster)).delete();
      return true;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return false;
      throw err;
    }
  }

  private explainCluster(cluster: string, err: unknown): unknown {
    if (err instanceof WorkflowNotFoundError) {
      return new OperationError(`no cluster ${cluster} (workflow ${clusterWorkflowId(cluster)})`, 'bring it up first with kubeha up -f <spec>; kubeha clusters lists the known ones');
    }
    if (err instanceof WorkflowUpdateFailedError) return new OperationError(innermostMessage(err), `see kubeha ops ${cluster}`);
    if (err instanceof WorkflowExecutionAlreadyStartedError) return new OperationError(`cluster ${cluster}: ${err.message}`, `see kubeha ops ${cluster}`);
    return err;
  }

  /**
   * The bring-up's progress as it ended, answered by the workflow itself as it ends (waits until
   * then). Rejects when it ends without answering (cancelled) or predates the update (0.8.0 and
   * older): read `progress` then.
   */
  async finalProgress(cluster: string): Promise<BringUpProgress> {
    return this.handle(cluster).executeUpdate(finalProgressUpdate);
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
      return await (await this.gateHolder(cluster, gate)).executeUpdate(approveUpdate, {
        args: [{ gate, by, ...(comment ? { comment } : {}) }],
        updateId: approvalUpdateId('approve', gate, by),
      });
    } catch (err) {
      throw await this.explainGate(cluster, gate, err);
    }
  }

  /** A gate's workflow that is gone or already ended says so, instead of "not found". */
  private async explainGate(cluster: string, gate: ApprovalGate, err: unknown): Promise<unknown> {
    if (!(err instanceof WorkflowNotFoundError) || (OPERATION_GATES as readonly string[]).includes(gate)) return this.explain(cluster, err);
    const ended = await this.handle(cluster)
      .describe()
      .then((d) => (d.status.name === 'RUNNING' ? undefined : { status: d.status.name.toLowerCase(), at: d.closeTime?.toISOString() }))
      .catch(() => undefined);
    if (!ended) return this.explain(cluster, err);
    return new OperationError(
      `the bring-up of ${cluster} already ended (${ended.status}${ended.at ? ` at ${ended.at}` : ''}): ${gate} is no longer open, there is nothing to decide`,
      `see kubeha status ${cluster}`,
    );
  }

  /** The workflow holding `gate`: the bring-up's, or the running upgrade's (read from the cluster record). */
  private async gateHolder(cluster: string, gate: ApprovalGate): Promise<WorkflowHandle> {
    if (!(OPERATION_GATES as readonly string[]).includes(gate)) return this.handle(cluster);
    const record = await this.record(cluster);
    const current = record.current;
    if (!current || current.kind === 'bring-up') {
      const holder = GATE_HOLDERS[gate as OperationGate];
      const last = [...record.history].reverse().find((op) => op.kind === holder && op.state === 'ended');
      const ended = last ? `; the last ${holder} (${last.id}) ended ${last.outcome ?? ''}${last.endedAt ? ` at ${last.endedAt}` : ''}` : '';
      throw new OperationError(`cluster ${cluster} has no ${holder} running: ${gate} is not open, there is nothing to decide${ended}`, `see kubeha ops ${cluster}`);
    }
    return this.options.client.workflow.getHandle(current.workflowId);
  }

  async reject(cluster: string, gate: ApprovalGate, by: string, reason: string): Promise<ApprovalDecision> {
    try {
      return await (await this.gateHolder(cluster, gate)).executeUpdate(rejectUpdate, { args: [{ gate, by, reason }], updateId: approvalUpdateId('reject', gate, by) });
    } catch (err) {
      throw await this.explainGate(cluster, gate, err);
    }
  }

  async cancel(cluster: string): Promise<void> {
    try {
      await this.handle(cluster).cancel();
    } catch (err) {
      throw this.explain(cluster, err);
    }
  }

  /**
   * Resolves true once the bring-up's workflow has closed, however it ended (a long poll on its
   * result, no query: a query of a closed workflow replays its history); false when that cannot
   * be read (e.g. the server is unreachable).
   */
  async closed(cluster: string): Promise<boolean> {
    return this.handle(cluster)
      .result()
      .then(
        () => true,
        (err: unknown) => err instanceof WorkflowFailedError,
      );
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
