import type { ClusterReport, ClusterSettings, EtcdReport } from '../../activities/types';
import type { DeclaredPhase, PhaseDescription, PlannedPhase } from '../../plan/operation';
import type { BringUpTuning, StepId } from '../../shared/messages';
import type { ApprovalGate, ClusterSpec, HostSpec } from '../../spec/types';
import type { ActivityProxies } from './activities';
import type { ApprovalGates } from './approvals';
import type { CredentialKeeper } from './credentials';
import type { HostProblem } from './preflight-checks';
import type { ProgressTracker } from './progress';

/** What the phases share: the spec, the activity proxies, progress, gates and the credentials once minted. */
export interface BringUpContext {
  spec: ClusterSpec;
  settings: ClusterSettings;
  tuning: BringUpTuning;
  acts: ActivityProxies;
  progress: ProgressTracker;
  gates: ApprovalGates;
  firstControlPlane: HostSpec;
  credentials?: CredentialKeeper;
  /** kubelet version per host, from preflight and later the nodes. */
  versions: Map<string, string>;
  etcd?: EtcdReport;
  cluster?: ClusterReport;
  /** The run takes the critical path (patched): steps may run side by side. */
  criticalPath?: boolean;
  /** Preflight awaits only the hosts init needs; the joining hosts' checks start with init and overlap it. */
  overlapPreflight?: boolean;
  /** Once preflight of the joining hosts started: every problem they have, when all are judged. */
  latePreflight?: Promise<HostProblem[]>;
  /** Starts the joining hosts' preflight, held until init starts (patched); called once init is under way. */
  releaseLatePreflight?: () => void;
  /** One joining host's preflight problems (empty when it passed); its join waits for them. */
  preflightOf?: (host: string) => Promise<HostProblem[]>;
  /** The workers' joins run beside the control planes': the runner, not a join phase, ends the join token's timer. */
  joinsOverlap?: boolean;
}

/** What one bring-up phase does for a spec: its step id, title, hosts, mode and gate. */
export type BringUpStep = PhaseDescription<StepId, ApprovalGate>;

/** One runbook step: describes itself from the spec, and runs as described. */
export type BringUpPhase = DeclaredPhase<ClusterSpec, BringUpContext, BringUpStep>;

export type PlannedBringUpPhase = PlannedPhase<BringUpContext, BringUpStep>;
