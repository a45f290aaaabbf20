import type { BootstrapToken, ClusterSettings } from '../../activities/types';
import type { DeclaredPhase, PhaseDescription } from '../../plan/operation';
import type { ApplyStepId } from '../../shared/apply';
import type { BringUpTuning } from '../../shared/messages';
import type { ApprovalGate, ClusterSpec, HostSpec } from '../../spec/types';
import type { ApprovalGates } from '../bring-up/approvals';
import type { ApplyActivityProxies } from './activities';
import type { ApplyProgressTracker } from './progress';

/** What apply's phases describe themselves from. */
export interface ApplyPlanInput {
  spec: ClusterSpec;
  add: HostSpec[];
  remove: HostSpec[];
}

export interface ApplyContext {
  spec: ClusterSpec;
  settings: ClusterSettings;
  add: HostSpec[];
  remove: HostSpec[];
  firstControlPlane: HostSpec;
  tuning: BringUpTuning;
  acts: ApplyActivityProxies;
  progress: ApplyProgressTracker;
  gates: ApprovalGates;
  /** Minted for the new workers; revoked at the end. */
  token?: BootstrapToken;
  /** kubelet version each new worker reported Ready with. */
  versions: Map<string, string>;
}

export type ApplyStep = PhaseDescription<ApplyStepId, ApprovalGate>;
export type ApplyPhase = DeclaredPhase<ApplyPlanInput, ApplyContext, ApplyStep>;
