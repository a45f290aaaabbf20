/**
 * The bring-up workflow's public surface: its input and result, the progress query, and the
 * approval updates/signals. Clients and the workflow both import these definitions.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EtcdMember } from '../activities/types';
import type { ApprovalGate, ClusterSpec, HostRole, OperationGate } from '../spec/types';

export const APPROVAL_GATES: readonly ApprovalGate[] = ['before-init', 'before-workers'];
/** Gates held by the cluster's operations other than the bring-up; a decision goes to the running operation. */
export const OPERATION_GATES: readonly OperationGate[] = ['before-upgrade-apply', 'before-remove-workers', 'before-reset'];

/** Knobs that make tests fast; production leaves them unset. */
export interface BringUpTuning {
  /** First retry interval of every activity (doubles up to 30x this). */
  retryInitialIntervalMs: number;
  /** Attempts of a worker's join before the worker is reported failed. */
  workerJoinMaxAttempts: number;
  /** Attempts of a control plane's join before the cluster fails. */
  controlPlaneJoinMaxAttempts: number;
  /** Attempts of the load-balancer probe before "the LB cannot reach the control planes". */
  probeMaxAttempts: number;
  /** How long waitForNodeReady may poll for the first control plane, and verify-cluster for every node. */
  nodeReadyTimeoutMs: number;
  /** How long verify-etcd polls until etcd is healthy (a member that just joined takes a moment). */
  etcdHealthyTimeoutMs: number;
  /** How often a join may come back for fresh credentials before it counts as failed. */
  maxCredentialRenewalsPerJoin: number;
}

export interface BringUpInput {
  spec: ClusterSpec;
  /** `user@host` of whoever started it; shown in progress and the report. */
  requestedBy?: string;
  tuning?: Partial<BringUpTuning>;
}

export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';

export type HostStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface HostProgress {
  host: string;
  status: HostStatus;
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  lastError?: string;
}

export type StepId =
  | 'preflight'
  | 'load-balancer'
  | 'probe-load-balancer'
  | 'approve-before-init'
  | 'init'
  | 'cni'
  | 'distribute-certificates'
  | 'join-control-planes'
  | 'verify-etcd'
  | 'approve-before-workers'
  | 'join-workers'
  | 'verify-cluster';

export interface StepProgress {
  id: StepId;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  hosts: HostProgress[];
}

export interface PendingApproval {
  gate: ApprovalGate;
  since: string;
  /** When the gate times out (GateTimedOut), if the spec sets a timeout for it. */
  timesOutAt?: string;
}

export interface BringUpFailure {
  step: StepId;
  host?: string;
  message: string;
}

export interface HostSummary {
  name: string;
  role: HostRole;
  /** The host's most advanced step status; `failed` wins. */
  state: HostStatus;
  /** Step the state comes from. */
  step?: StepId;
}

export interface CredentialRenewals {
  certificateKey: number;
  joinToken: number;
}

export interface RenewalFailure {
  credential: 'certificateKey' | 'joinToken';
  at: string;
  error: string;
}

export interface BringUpProgress {
  cluster: string;
  /** The step running now, or `done` / `failed` / `rejected` / `cancelled`. */
  phase: StepId | 'starting' | 'done' | 'failed' | 'rejected' | 'cancelled';
  requestedBy?: string;
  steps: StepProgress[];
  hosts: HostSummary[];
  pendingApprovals: PendingApproval[];
  approvals: ApprovalDecision[];
  renewals: CredentialRenewals;
  /** Timer renewals that failed after their retries (joins then renew on demand). */
  renewalFailures?: RenewalFailure[];
  etcdMembers?: EtcdMember[];
  failure?: BringUpFailure;
}

export interface ApproveInput {
  gate: ApprovalGate;
  by: string;
  comment?: string;
}

export interface RejectInput {
  gate: ApprovalGate;
  by: string;
  reason: string;
}

export type ApprovalDecision =
  | ({ decision: 'approved'; at: string } & ApproveInput)
  | ({ decision: 'rejected'; at: string } & RejectInput);

export interface HostReport {
  name: string;
  role: HostRole;
  state: HostStatus;
  version?: string;
  durationMs?: number;
  attempts: number;
  lastError?: string;
}

export interface StepTiming {
  step: StepId;
  status: StepStatus;
  durationMs?: number;
}

export interface BringUpReport {
  cluster: string;
  kubernetesVersion: string;
  startedAt: string;
  endedAt: string;
  hosts: HostReport[];
  etcdMembers: EtcdMember[];
  timings: StepTiming[];
  failedWorkers: string[];
  renewals: CredentialRenewals;
  /** Who decided each gate, when, and why. */
  approvals: ApprovalDecision[];
}

export type BringUpResult =
  | { outcome: 'succeeded'; report: BringUpReport }
  | { outcome: 'rejected'; gate: ApprovalGate; by: string; reason: string };

export const progressQuery = defineQuery<BringUpProgress>('progress');
/**
 * Answered as the bring-up ends (done, failed or rejected) with its last progress, so a follower
 * gets it without querying the closed workflow (which makes a worker replay its whole history:
 * seconds at hundreds of hosts). A cancelled bring-up ends without answering.
 */
export const finalProgressUpdate = defineUpdate<BringUpProgress>('finalProgress');
export const approveUpdate = defineUpdate<ApprovalDecision, [ApproveInput]>('approve');
export const rejectUpdate = defineUpdate<ApprovalDecision, [RejectInput]>('reject');
/** Fire-and-forget twins of the updates for services that cannot wait for an answer. */
export const approveSignal = defineSignal<[ApproveInput]>('approveSignal');
export const rejectSignal = defineSignal<[RejectInput]>('rejectSignal');

/** Failure type of a bring-up that failed; its message names step, host and error. */
export const BRING_UP_FAILED = 'BringUpFailed';

/** Failure type of a bring-up nobody approved or rejected in time; details carry a `GateTimeout`. */
export const GATE_TIMED_OUT = 'GateTimedOut';

export interface GateTimeout {
  gate: ApprovalGate;
  /** From the moment the gate started waiting until it gave up. */
  waitedMs: number;
  timeoutMs: number;
}

/**
 * Update id of a decision: the same person deciding the same gate again (a retried command, a
 * second `kubeha approve`) is the same update, which Temporal answers once.
 */
export function approvalUpdateId(decision: 'approve' | 'reject', gate: ApprovalGate, by: string): string {
  return `${decision}/${gate}/${by}`;
}
