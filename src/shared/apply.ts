/** The `apply` operation's contract: grow and shrink a cluster's workers to what a spec lists. */
import { defineQuery } from '@temporalio/workflow';
import type { ApprovalDecision, BringUpTuning, HostProgress, PendingApproval, StepStatus } from './messages';
import type { ClusterSpec, HostSpec } from '../spec/types';

export const APPLY_WORKFLOW_TYPE = 'applyClusterSpec';

/** `kubeha apply -f`: the cluster's spec as it should be; only its workers may differ from the record. */
export interface ApplyRequest {
  kind: 'apply';
  spec: ClusterSpec;
  tuning?: Partial<BringUpTuning>;
}

export interface ApplyInput {
  /** The wanted spec (the record's, with workers added and removed). */
  spec: ClusterSpec;
  /** Workers of `spec` to join. */
  add: string[];
  /** Workers to drain, delete and reset, as the cluster's record has them (they are not in `spec`). */
  remove: HostSpec[];
  requestedBy: string;
  tuning?: Partial<BringUpTuning>;
}

export type ApplyStepId = 'preflight-new-workers' | 'join-new-workers' | 'approve-before-remove-workers' | 'remove-workers' | 'revoke-join-token' | 'verify-cluster';

export interface ApplyStepProgress {
  id: ApplyStepId;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  hosts: HostProgress[];
}

export interface ApplyProgress {
  cluster: string;
  add: string[];
  remove: string[];
  requestedBy: string;
  phase: ApplyStepId | 'starting' | 'done' | 'failed' | 'rejected';
  steps: ApplyStepProgress[];
  pendingApprovals: PendingApproval[];
  approvals: ApprovalDecision[];
  failure?: { step: ApplyStepId; host?: string; message: string };
}

export type ApplyResult =
  | { outcome: 'succeeded'; added: { host: string; version?: string }[]; removed: string[] }
  | { outcome: 'rejected'; gate: string; by: string; reason: string };

/** Failure type of an apply that stopped on an error; its message names step, host and error. */
export const APPLY_FAILED = 'ApplyFailed';

export const applyProgressQuery = defineQuery<ApplyProgress>('progress');
