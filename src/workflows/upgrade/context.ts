import type { ClusterSettings } from '../../activities/types';
import type { DeclaredPhase, PhaseDescription, PlannedPhase } from '../../plan/operation';
import type { UpgradeStepId, UpgradeTuning } from '../../shared/operations';
import type { ApprovalGate, ClusterSpec, HostSpec } from '../../spec/types';
import type { ApprovalGates } from '../bring-up/approvals';
import type { UpgradeActivityProxies } from './activities';
import type { UpgradeProgressTracker } from './progress';
import type { RolloutControls } from './rollout-control';

/** What the upgrade's phases describe themselves from. */
export interface UpgradeRequestPlan {
  spec: ClusterSpec;
  to: string;
  maxUnavailable: number;
}

/** What the phases share while the upgrade runs. */
export interface UpgradeContext {
  spec: ClusterSpec;
  settings: ClusterSettings;
  from: string;
  to: string;
  tuning: UpgradeTuning;
  acts: UpgradeActivityProxies;
  progress: UpgradeProgressTracker;
  gates: ApprovalGates;
  controls: RolloutControls;
  firstControlPlane: HostSpec;
  /** Set by check-versions: the first control plane's API server already runs the target (an earlier run applied it). */
  alreadyApplied?: boolean;
}

export type UpgradeStep = PhaseDescription<UpgradeStepId, ApprovalGate>;

export type UpgradePhase = DeclaredPhase<UpgradeRequestPlan, UpgradeContext, UpgradeStep>;

export type PlannedUpgradePhase = PlannedPhase<UpgradeContext, UpgradeStep>;
