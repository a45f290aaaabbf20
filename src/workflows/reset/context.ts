import type { ClusterSettings } from '../../activities/types';
import type { DeclaredPhase, PhaseDescription, PlannedPhase } from '../../plan/operation';
import type { ResetStepId, ResetTuning } from '../../shared/operations';
import type { ApprovalGate, ClusterSpec, HostSpec } from '../../spec/types';
import type { ApprovalGates } from '../bring-up/approvals';
import type { ResetActivityProxies } from './activities';
import type { ResetProgressTracker } from './progress';

/** What the reset's phases describe themselves from. */
export interface ResetRequestPlan {
  spec: ClusterSpec;
  tuning: Pick<ResetTuning, 'workerParallelism'>;
}

/** What the phases share while the reset runs. */
export interface ResetContext {
  spec: ClusterSpec;
  settings: ClusterSettings;
  tuning: ResetTuning;
  acts: ResetActivityProxies;
  progress: ResetProgressTracker;
  gates: ApprovalGates;
  /** Reset last; the others' etcd members and Nodes are removed through it. */
  firstControlPlane: HostSpec;
}

export type ResetStep = PhaseDescription<ResetStepId, ApprovalGate>;

export type ResetPhase = DeclaredPhase<ResetRequestPlan, ResetContext, ResetStep>;

export type PlannedResetPhase = PlannedPhase<ResetContext, ResetStep>;
