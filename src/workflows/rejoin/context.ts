import type { ClusterSettings, EtcdReport } from '../../activities/types';
import type { DeclaredPhase, PhaseDescription, PlannedPhase } from '../../plan/operation';
import type { RejoinHostFacts } from '../../activities/rejoin-types';
import type { RejoinStepId, RejoinTuning } from '../../shared/operations';
import type { ClusterSpec, HostSpec } from '../../spec/types';
import type { RejoinActivityProxies } from './activities';
import type { RejoinProgressTracker } from './progress';

/** What the rejoin's phases describe themselves from: the recorded cluster and the node's host in it. */
export interface RejoinPlan {
  spec: ClusterSpec;
  node: HostSpec;
}

export type RejoinRole = 'control-plane' | 'worker';

/** What the phases share while the rejoin runs. */
export interface RejoinContext {
  spec: ClusterSpec;
  settings: ClusterSettings;
  node: HostSpec;
  as: RejoinRole;
  /** A stacked control plane: it has an etcd member to remove and to get back. */
  withEtcd: boolean;
  /** A control plane of a cluster on external etcd: nothing to remove, but its quorum is checked before and after. */
  externalEtcd: boolean;
  tuning: RejoinTuning;
  acts: RejoinActivityProxies;
  progress: RejoinProgressTracker;
  /** Set by check-cluster: the healthy control plane the cluster-side steps run on. */
  via?: HostSpec;
  /** etcd as `via` saw it before anything changed (a control plane: stacked, or external when patched). */
  etcdBefore?: EtcdReport;
  /** kubelet version the node reported Ready with (verify-rejoin). */
  version?: string;
  /** Set by drain-node. */
  facts?: RejoinHostFacts;
}

export type RejoinStep = PhaseDescription<RejoinStepId>;

export type RejoinPhase = DeclaredPhase<RejoinPlan, RejoinContext, RejoinStep>;

export type PlannedRejoinPhase = PlannedPhase<RejoinContext, RejoinStep>;

export function roleOf(node: HostSpec): RejoinRole {
  return node.role === 'control-plane' ? 'control-plane' : 'worker';
}

export function viaOf(ctx: RejoinContext): HostSpec {
  if (!ctx.via) throw new Error('no control plane to act through was chosen (check-cluster did not run)');
  return ctx.via;
}
