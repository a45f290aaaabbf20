import type { ClusterReport, ClusterSettings, EtcdReport } from '../../activities/types';
import type { BringUpTuning, StepId } from '../../shared/messages';
import type { ClusterSpec, HostSpec } from '../../spec/types';
import type { ActivityProxies } from './activities';
import type { ApprovalGates } from './approvals';
import type { CredentialKeeper } from './credentials';
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
}

/** One runbook step. `shouldRun` false marks it skipped. */
export interface Phase {
  id: StepId;
  title: string;
  shouldRun?(ctx: BringUpContext): boolean;
  run(ctx: BringUpContext): Promise<void>;
}
