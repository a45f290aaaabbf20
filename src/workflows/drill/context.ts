import type { ClusterSettings } from '../../activities/types';
import type { DeclaredPhase, PhaseDescription, PlannedPhase } from '../../plan/operation';
import type { DrillStepId, DrillTuning } from '../../shared/operations';
import type { ClusterSpec } from '../../spec/types';
import type { DrillActivityProxies } from './activities';
import type { DrillProgressTracker } from './progress';

/** What the drill's phases describe themselves from. */
export interface DrillRequestPlan {
  spec: ClusterSpec;
  maxOutageMs: number;
}

/** What the phases share while the drill runs. */
export interface DrillContext {
  spec: ClusterSpec;
  settings: ClusterSettings;
  maxOutageMs: number;
  windowMs: number;
  tuning: DrillTuning;
  acts: DrillActivityProxies;
  progress: DrillProgressTracker;
  /** Shows the progress in the UI (details, search attribute) after a change. */
  refresh(): void;
  /** Set by the first control plane whose row failed: the drill stops there (the rest are skipped). */
  verdictFailure?: { host: string; message: string };
}

export type DrillStep = PhaseDescription<DrillStepId>;

export type DrillPhase = DeclaredPhase<DrillRequestPlan, DrillContext, DrillStep>;

export type PlannedDrillPhase = PlannedPhase<DrillContext, DrillStep>;
