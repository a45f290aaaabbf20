/**
 * The cluster workflow's public contract (one long-lived workflow per cluster) and the
 * operations it runs as child workflows. docs/API.md documents the same names and payloads
 * for services written against other Temporal SDKs.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalGate, ClusterSpec, HostRole } from '../spec/types';
import type { ApprovalDecision, BringUpTuning, HostProgress, PendingApproval, StepStatus } from './messages';
import type { ApplyRequest } from './apply';

export const CLUSTER_WORKFLOW_TYPE = 'clusterLifecycle';
export const UPGRADE_WORKFLOW_TYPE = 'upgradeCluster';

export type OperationKind = 'bring-up' | 'upgrade' | 'rejoin' | 'certificates' | 'drill' | 'apply' | 'reset' | 'replace';

export interface BringUpRequest {
  kind: 'bring-up';
  spec: ClusterSpec;
  tuning?: Partial<BringUpTuning>;
}

export interface UpgradeRequest {
  kind: 'upgrade';
  /** Target release `vX.Y.Z`: the same minor (patch upgrade) or the next one. */
  to: string;
  /** Workers upgraded (drained) at once; default 1. */
  maxUnavailable?: number;
  tuning?: Partial<UpgradeTuning>;
}

/** Rejoin a node at its recorded address (its host wiped, reinstalled or broken): the runbook's remove-and-join. */
export interface RejoinRequest {
  kind: 'rejoin';
  node: string;
}

/**
 * Replace a node whose host is gone by a fresh host at a new address: the rejoin's remove-and-join
 * with the new host joined under the node's name, the kubeadm ClusterConfiguration's certSANs and
 * the HAProxy backends moved to the new address, and the record's spec updated.
 */
export interface ReplaceRequest {
  kind: 'replace';
  node: string;
  /** The new host's address (an IP address or DNS name, as in the spec's hosts). */
  address: string;
}

/** `kubeadm certs check-expiration` on every control plane; `renew` renews those expiring within the threshold. */
export interface CertificatesRequest {
  kind: 'certificates';
  action: 'check' | 'renew';
  /** Renew certificates that expire within this many days (default 30). */
  renewWithinDays?: number;
}

/** Stop one control plane at a time and check the endpoint and etcd keep working (the seeds' HA check). */
export interface DrillRequest {
  kind: 'drill';
  /** Longest `/readyz` outage through the endpoint the drill accepts (default 10 s). */
  maxOutageMs?: number;
  tuning?: Partial<DrillTuning>;
}

/** Tear the cluster down (after the `before-reset` approval): workers, then control planes, every host left clean for a new bring-up. */
export interface ResetRequest {
  kind: 'reset';
  tuning?: Partial<ResetTuning>;
}

export type OperationRequest = (BringUpRequest | UpgradeRequest | RejoinRequest | CertificatesRequest | DrillRequest | ApplyRequest | ResetRequest | ReplaceRequest) & {
  /** Who asks (`user@host`, `cn:NAME`, a service's name); shown in the history. */
  requestedBy: string;
};

export type OperationOutcome = 'succeeded' | 'failed' | 'rejected' | 'aborted' | 'cancelled';

export interface OperationRecord {
  id: string;
  kind: OperationKind;
  /** One line: `bring-up v1.30.4`, `upgrade v1.30.4 -> v1.31.2 (maxUnavailable 1)`. */
  summary: string;
  requestedBy: string;
  requestedAt: string;
  /** The child workflow that runs it (id known as soon as it is accepted). */
  workflowId: string;
  /** The child's run id, once it started. */
  runId?: string;
  state: 'queued' | 'running' | 'ended';
  startedAt?: string;
  endedAt?: string;
  outcome?: OperationOutcome;
  /** Why it failed, was rejected or aborted. */
  message?: string;
}

export interface OperationAccepted {
  operationId: string;
  workflowId: string;
  /** 0: runs now; n: n operations run before it. */
  queuePosition: number;
}

export interface NodeRecord {
  name: string;
  address: string;
  role: HostRole;
  /** kubelet version last reported by the node, when known. */
  version?: string;
  /** etcd member id (hex) of a stacked control plane. */
  etcdMemberId?: string;
}

export interface ClusterRecord {
  name: string;
  /** Set once a bring-up was accepted; its kubernetesVersion follows upgrades. */
  spec?: ClusterSpec;
  /** The control plane's version (what `/version` answers) after the last operation. */
  kubernetesVersion?: string;
  nodes: NodeRecord[];
  /** Earliest expiry of the control planes' certificates, when known. */
  certificatesExpireAt?: string;
  current?: OperationRecord;
  queue: OperationRecord[];
  /** Ended operations, oldest first (the last 100 are kept across continue-as-new). */
  history: OperationRecord[];
}

export const requestOperationUpdate = defineUpdate<OperationAccepted, [OperationRequest]>('requestOperation');
/**
 * Fire-and-forget twin of `requestOperationUpdate` for senders that cannot wait for an answer (a
 * workflow started by a Schedule): checked the same way; a refused request is recorded in the
 * history as `rejected` with the reason, never queued.
 */
export const requestOperationSignal = defineSignal<[OperationRequest]>('requestOperationSignal');
export const clusterRecordQuery = defineQuery<ClusterRecord>('record');

export function clusterWorkflowId(cluster: string): string {
  return `kubeha-cluster-${cluster}`;
}

export function upgradeWorkflowId(cluster: string, operationId: string): string {
  return operationWorkflowId('upgrade', cluster, operationId);
}

/** Id of the child workflow that runs an operation (the bring-up keeps `kubeha-bringup-<cluster>`). */
export function operationWorkflowId(kind: Exclude<OperationKind, 'bring-up'>, cluster: string, operationId: string): string {
  return `kubeha-${kind}-${cluster}-${operationId}`;
}

// ---------------------------------------------------------------- upgrade (child workflow)

export interface UpgradeTuning {
  retryInitialIntervalMs: number;
  /** How long a node may take to report Ready (and its new version) after its kubelet restart. */
  nodeReadyTimeoutMs: number;
  etcdHealthyTimeoutMs: number;
}

export interface UpgradeInput {
  /** The cluster as recorded; `spec.kubernetesVersion` is the version it runs now. */
  spec: ClusterSpec;
  to: string;
  maxUnavailable: number;
  requestedBy: string;
  tuning?: Partial<UpgradeTuning>;
}

export interface NodeVersion {
  host: string;
  role: HostRole;
  kubelet?: string;
}

export type UpgradeResult =
  | { outcome: 'succeeded'; from: string; to: string; nodes: NodeVersion[] }
  | { outcome: 'aborted'; from: string; to: string; nodes: NodeVersion[]; stoppedBefore: string; by: string }
  | { outcome: 'rejected'; gate: ApprovalGate; by: string; reason: string };

/** Failure type of an upgrade that stopped on an error; details carry an `UpgradeFailure`. */
export const UPGRADE_FAILED = 'UpgradeFailed';

export interface UpgradeFailure {
  step: string;
  host?: string;
  message: string;
  nodes: NodeVersion[];
}

export interface RolloutControl {
  by: string;
  reason?: string;
}

/** Pause/resume/abort take effect at the next safe point (between hosts, never inside one). */
export const pauseUpdate = defineUpdate<string, [RolloutControl]>('pause');
export const resumeUpdate = defineUpdate<string, [RolloutControl]>('resume');
export const abortUpdate = defineUpdate<string, [RolloutControl]>('abort');
/** Fire-and-forget twin of `abortUpdate`, sent to the upgrade's own workflow (`OperationRecord.workflowId`). */
export const abortSignal = defineSignal<[RolloutControl]>('abortSignal');

/** The upgrade's steps, in the order they run (declared in src/workflows/upgrade/phases). */
export type UpgradeStepId =
  | 'check-versions'
  | 'upgrade-kubeadm'
  | 'upgrade-plan'
  | 'approve-before-upgrade-apply'
  | 'upgrade-apply'
  | 'upgrade-control-planes'
  | 'upgrade-workers'
  | 'verify-upgrade';

/** Where one host is in its own upgrade, from the workflow's point of view. */
export type UpgradeHostStage =
  | 'pending'
  | 'kubeadm'
  | 'draining'
  | 'kubelet'
  | 'waiting-for-node'
  | 'uncordoning'
  | 'etcd-check'
  | 'upgraded'
  | 'failed';

export interface UpgradeHostProgress extends NodeVersion {
  stage: UpgradeHostStage;
  /** Drained (cordoned) by this upgrade and not yet uncordoned. */
  cordoned: boolean;
  startedAt?: string;
  endedAt?: string;
  lastError?: string;
}

export interface UpgradeStepProgress {
  id: UpgradeStepId;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  hosts: HostProgress[];
}

/** One etcd check after a control plane was upgraded (members, health, leader). */
export interface EtcdSample {
  after: string;
  at: string;
  healthy: boolean;
  members: number;
  leader?: string;
  problems?: string[];
}

export interface UpgradeProgress {
  cluster: string;
  from: string;
  to: string;
  maxUnavailable: number;
  requestedBy: string;
  /** The step running now, `paused` while held at a safe point, or how it ended. */
  phase: UpgradeStepId | 'starting' | 'paused' | 'done' | 'failed' | 'rejected' | 'aborted';
  paused?: RolloutControl & { since: string };
  /** Asked for; the rollout stops at the next safe point. */
  abortRequested?: RolloutControl & { at: string };
  steps: UpgradeStepProgress[];
  hosts: UpgradeHostProgress[];
  pendingApprovals: PendingApproval[];
  approvals: ApprovalDecision[];
  /** `kubeadm upgrade plan`'s output, shown with the `before-upgrade-apply` gate. */
  plan?: string;
  etcdSamples: EtcdSample[];
  failure?: UpgradeFailure;
}

/** Same name as the bring-up's `progress` query; an upgrade answers with its own shape. */
export const upgradeProgressQuery = defineQuery<UpgradeProgress>('progress');

// ---------------------------------------------------------------- certificates (child workflow)

export const CERTIFICATES_WORKFLOW_TYPE = 'manageCertificates';
/** What a cluster's certificate Schedule starts: it asks the cluster workflow for a check through `requestOperationSignal`. */
export const SCHEDULED_CERTIFICATES_CHECK_WORKFLOW_TYPE = 'scheduledCertificatesCheck';
export const DEFAULT_RENEW_WITHIN_DAYS = 30;

export function certificatesScheduleId(cluster: string): string {
  return `kubeha-certs-${cluster}`;
}

export interface ScheduledCertificatesCheckInput {
  cluster: string;
  /** The Schedule's id, recorded as who asks. */
  scheduleId: string;
  renewWithinDays?: number;
}

export interface CertificatesTuning {
  retryInitialIntervalMs: number;
  /** How long a control plane may take to serve the renewed certificate after its static Pods restart. */
  restartTimeoutMs: number;
}

export interface CertificatesInput {
  spec: ClusterSpec;
  action: 'check' | 'renew';
  renewWithinDays: number;
  requestedBy: string;
  tuning?: Partial<CertificatesTuning>;
}

/** One row of `kubeadm certs check-expiration` (either table). */
export interface CertificateExpiry {
  name: string;
  /** ISO time (kubeadm prints it to the minute). */
  expires: string;
  /** RESIDUAL TIME as kubeadm printed it (`364d`, `9y`, `<invalid>`). */
  residual: string;
  /** Signing CA (certificates table); absent for the CAs themselves. */
  authority?: string;
  externallyManaged: boolean;
}

export interface HostCertificates {
  host: string;
  certificates: CertificateExpiry[];
  authorities: CertificateExpiry[];
  /** notAfter of /var/lib/kubelet/pki/kubelet-client-current.pem. */
  kubeletClientExpires?: string;
  /** `rotateCertificates` of /var/lib/kubelet/config.yaml (kubelet's default is false when unset). */
  kubeletRotateCertificates?: boolean;
  /** notAfter of the certificate the local API server serves, and of apiserver.crt on disk. */
  servingNotAfter?: string;
  apiserverCrtNotAfter?: string;
  /** Renewed by this operation. */
  renewed: boolean;
}

export interface CertificatesResult {
  action: 'check' | 'renew';
  renewWithinDays: number;
  /** After renewal, when there was one. */
  hosts: HostCertificates[];
  /** Earliest expiry of a kubeadm-managed certificate (not a CA) over every control plane. */
  earliestExpiry?: string;
  renewed: string[];
  /** Things a person should look at: CAs within the threshold, kubelet rotation off, kubelet client certificate close to expiry. */
  warnings: string[];
}

export type CertificatesStepId = 'check-expiration' | 'renew-control-planes' | 'verify-certificates';

export interface CertificatesStepProgress {
  id: CertificatesStepId;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  hosts: HostProgress[];
}

export interface CertificatesProgress {
  cluster: string;
  action: 'check' | 'renew';
  renewWithinDays: number;
  requestedBy: string;
  phase: CertificatesStepId | 'starting' | 'done' | 'failed';
  steps: CertificatesStepProgress[];
  hosts: HostCertificates[];
  failure?: { step: CertificatesStepId; host?: string; message: string };
}

export const certificatesProgressQuery = defineQuery<CertificatesProgress>('progress');

// ---------------------------------------------------------------- rejoin (child workflow)

export const REJOIN_WORKFLOW_TYPE = 'rejoinNode';

export interface RejoinTuning {
  retryInitialIntervalMs: number;
  nodeReadyTimeoutMs: number;
  etcdHealthyTimeoutMs: number;
  joinMaxAttempts: number;
}

export interface RejoinInput {
  /** The cluster as recorded (its kubernetesVersion is what it runs now). */
  spec: ClusterSpec;
  /** A control plane or worker of `spec`, rejoined at its recorded address. */
  node: string;
  /**
   * kubeha replace: the node's new host at this address (never its recorded one). Nothing is run
   * on the recorded host; the node joins from the new one under the same name.
   */
  address?: string;
  requestedBy: string;
  tuning?: Partial<RejoinTuning>;
}

export interface RejoinResult {
  outcome: 'succeeded';
  node: string;
  role: 'control-plane' | 'worker';
  /** kubelet version the node reports after the join. */
  version?: string;
  /** etcd member ids (hex) removed before the join (stacked control plane). */
  removedMemberIds: string[];
  /** The node's etcd member id after the join (stacked control plane). */
  etcdMemberId?: string;
  /** Replace: the node's address now (the record's spec takes it). */
  address?: string;
  /** Replace: what the operator should know (the old host left untouched; an external load balancer's backends to change by hand). */
  notes?: string[];
}

/** Failure type of a rejoin that stopped on an error; details carry a `RejoinFailure`. */
export const REJOIN_FAILED = 'RejoinFailed';

export interface RejoinFailure {
  step: RejoinStepId;
  host?: string;
  message: string;
}

/** The rejoin's steps, in the order they run (declared in src/workflows/rejoin/phases). */
export type RejoinStepId =
  | 'check-cluster'
  | 'check-replacement'
  | 'drain-node'
  | 'remove-node'
  | 'update-cluster-config'
  | 'reset-host'
  | 'preflight-host'
  | 'copy-certificates'
  | 'join-node'
  | 'update-load-balancer'
  | 'verify-rejoin';

export interface RejoinStepProgress {
  id: RejoinStepId;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  hosts: HostProgress[];
}

export interface RejoinProgress {
  cluster: string;
  node: string;
  role: 'control-plane' | 'worker';
  requestedBy: string;
  phase: RejoinStepId | 'starting' | 'done' | 'failed';
  /** The control plane the cluster-side steps run on (a healthy member other than the node). */
  via?: string;
  /** Whether the node's host (a replace: the old one) answered SSH when the rejoin looked. */
  reachable?: boolean;
  /** Replace: the recorded (old) address and the new one. */
  replacing?: { from: string; to: string };
  steps: RejoinStepProgress[];
  removedMemberIds: string[];
  etcdMemberId?: string;
  etcdSamples: EtcdSample[];
  failure?: RejoinFailure;
}

export const rejoinProgressQuery = defineQuery<RejoinProgress>('progress');

// ---------------------------------------------------------------- failover drill (child workflow)

export const DRILL_WORKFLOW_TYPE = 'failoverDrill';

export interface DrillTuning {
  retryInitialIntervalMs: number;
  /** Time between two `/readyz` probes through the endpoint. */
  probeIntervalMs: number;
  /** How long the endpoint is probed after a control plane stopped, beyond `maxOutageMs` (the window is their sum). */
  probeSlackMs: number;
  /** How long a restored control plane may take to answer `/readyz` and have its etcd member healthy. */
  restoreTimeoutMs: number;
}

export interface DrillInput {
  /** The cluster as recorded. */
  spec: ClusterSpec;
  maxOutageMs: number;
  requestedBy: string;
  tuning?: Partial<DrillTuning>;
}

export type DrillVerdict = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';

/** One control plane's row of the drill's table. */
export interface DrillRow {
  host: string;
  /** What was stopped: `kube-apiserver`, `etcd`. */
  stopped: string[];
  /** Longest stretch the endpoint did not answer `/readyz` 200 while the host was down (ms). */
  outageMs?: number;
  /** Probes through the endpoint in the window, and how many failed. */
  probes?: number;
  failedProbes?: number;
  /** etcd seen from a surviving member while the host was down. */
  etcdMembers?: number;
  etcdHealthy?: number;
  etcdLeader?: string;
  /** From putting the manifests back until its API server answered `/readyz` and its etcd member was healthy (ms). */
  restoredMs?: number;
  verdict: DrillVerdict;
  /** Why it failed. */
  problems: string[];
}

export interface DrillResult {
  outcome: 'passed' | 'failed';
  maxOutageMs: number;
  rows: DrillRow[];
  /** Why the drill failed, naming the host. */
  message?: string;
}

/** Failure type of a drill that could not run or could not restore a host; details carry a `DrillFailure`. */
export const DRILL_FAILED = 'DrillFailed';

export interface DrillFailure {
  step: DrillStepId;
  host?: string;
  message: string;
  rows: DrillRow[];
}

/** The drill's steps, in the order they run (declared in src/workflows/drill/phases). */
export type DrillStepId = 'check-cluster' | 'drill-control-planes' | 'verify-drill';

export interface DrillStepProgress {
  id: DrillStepId;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  hosts: HostProgress[];
}

export interface DrillProgress {
  cluster: string;
  maxOutageMs: number;
  requestedBy: string;
  phase: DrillStepId | 'starting' | 'done' | 'failed';
  steps: DrillStepProgress[];
  rows: DrillRow[];
  failure?: DrillFailure;
}

export const drillProgressQuery = defineQuery<DrillProgress>('progress');

// ---------------------------------------------------------------- reset (child workflow)

export const RESET_WORKFLOW_TYPE = 'resetCluster';

export interface ResetTuning {
  retryInitialIntervalMs: number;
  /** How long `kubectl drain` may take per worker before the reset goes on without it. */
  drainTimeoutMs: number;
  /** Workers reset at once. */
  workerParallelism: number;
}

export interface ResetInput {
  /** The cluster as recorded. */
  spec: ClusterSpec;
  requestedBy: string;
  tuning?: Partial<ResetTuning>;
}

/** What was done to one host. */
export interface ResetHostOutcome {
  host: string;
  role: HostRole;
  /** `kubeadm reset -f` ran (false: the host was found already reset, only the cleanup ran). */
  kubeadmReset: boolean;
  /** A worker: drained, or why not. */
  drain?: 'drained' | 'skipped' | `failed: ${string}`;
  /** etcd member ids (hex) removed through another member before the reset. */
  removedMemberIds: string[];
}

export type ResetResult =
  | { outcome: 'succeeded'; hosts: ResetHostOutcome[]; leftAlone: string[] }
  | { outcome: 'rejected'; gate: ApprovalGate; by: string; reason: string };

/** Failure type of a reset that stopped on an error; details carry a `ResetFailure`. */
export const RESET_FAILED = 'ResetFailed';

export interface ResetFailure {
  step: ResetStepId;
  host?: string;
  message: string;
  /** Hosts fully reset before it stopped. */
  reset: string[];
}

/** The reset's steps, in the order they run (declared in src/workflows/reset/phases). */
export type ResetStepId = 'approve-before-reset' | 'reset-workers' | 'reset-control-planes' | 'reset-first-control-plane';

export type ResetHostStage = 'pending' | 'draining' | 'removing' | 'resetting' | 'reset' | 'failed';

export interface ResetHostProgress {
  host: string;
  role: HostRole;
  stage: ResetHostStage;
  lastError?: string;
}

export interface ResetStepProgress {
  id: ResetStepId;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  hosts: HostProgress[];
}

export interface ResetProgress {
  cluster: string;
  requestedBy: string;
  phase: ResetStepId | 'starting' | 'done' | 'failed' | 'rejected';
  steps: ResetStepProgress[];
  hosts: ResetHostProgress[];
  pendingApprovals: PendingApproval[];
  approvals: ApprovalDecision[];
  /** What will be destroyed, shown with the `before-reset` gate (`kubeha reset` prints it). */
  plan: string;
  outcomes: ResetHostOutcome[];
  failure?: ResetFailure;
}

export const resetProgressQuery = defineQuery<ResetProgress>('progress');
