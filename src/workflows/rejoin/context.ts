import type { ClusterSettings, EtcdReport } from '../../activities/types';
import type { DeclaredPhase, PhaseDescription, PlannedPhase } from '../../plan/operation';
import type { RejoinHostFacts } from '../../activities/rejoin-types';
import type { RejoinStepId, RejoinTuning } from '../../shared/operations';
import type { ClusterSpec, HostSpec } from '../../spec/types';
import type { RejoinActivityProxies } from './activities';
import type { RejoinProgressTracker } from './progress';

/**
 * What the rejoin's phases describe themselves from: the cluster and the node's host in it. `spec`
 * and `node` are what the cluster is after the rejoin (a replace: the node at its new address);
 * `leaving` is the node as recorded, whose etcd member and Node are removed. For a rejoin both are one host.
 */
export interface RejoinPlan {
  spec: ClusterSpec;
  node: HostSpec;
  leaving: HostSpec;
}

/** A replace: the node joins from a host at another address than the recorded one. */
export const isReplace = (plan: Pick<RejoinPlan, 'node' | 'leaving'>): boolean => plan.node.address !== plan.leaving.address;

export type RejoinRole = 'control-plane' | 'worker';

/** What the phases share while the rejoin runs. */
export interface RejoinContext {
  spec: ClusterSpec;
  settings: ClusterSettings;
  node: HostSpec;
  /** The node as recorded (a replace: at its old address, nothing is run there). */
  leaving: HostSpec;
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
  /** Replace: what kubeha left to the operator (an external load balancer), for the result. */
  notes: string[];
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
