/**
 * The contract between workflows and activities. Workflows import these types only;
 * `createActivities(deps)` in ./index.ts returns an object satisfying `KubehaActivities`.
 *
 * Inputs carry the cluster settings without the host list (control planes only) plus the
 * one host an activity acts on, so a 500-worker cluster does not copy 500 hosts into
 * every activity's history.
 */
import type { ClusterSpec, HostSpec } from '../spec/types';
import type { DrillActivities } from './drill-types';
import type { CertificateActivities } from './certificate-types';
import type { RejoinActivities } from './rejoin-types';
import type { ResetActivities } from './reset-types';
import type { UpgradeActivities } from './upgrade-types';

export type ClusterSettings = Omit<ClusterSpec, 'hosts'> & { controlPlanes: HostSpec[] };

export interface HostStepInput {
  cluster: ClusterSettings;
  host: HostSpec;
}

/** Failure `type`s thrown by activities (ApplicationFailure.type). */
export const FailureTypes = {
  sshAuth: 'SshAuthFailed',
  hostKeyMismatch: 'HostKeyMismatch',
  hostKeyUnknown: 'HostKeyUnknown',
  invalidSpec: 'InvalidSpec',
  preflight: 'PreflightFailed',
  certificateKeyExpired: 'CertificateKeyExpired',
  joinTokenExpired: 'JoinTokenExpired',
  remoteCommand: 'RemoteCommandFailed',
  loadBalancerUnreachable: 'LoadBalancerUnreachable',
  etcdUnhealthy: 'EtcdUnhealthy',
  clusterNotReady: 'ClusterNotReady',
  /** The host's state is ambiguous right now (its API or etcd did not answer): retried, never reset. */
  hostStateUnclear: 'HostStateUnclear',
  /** The host's evidence contradicts the cluster's (e.g. wiped but still an etcd member): a person must decide. */
  hostNeedsAttention: 'HostNeedsAttention',
  /** An upgrade step would break the version skew policy (e.g. a kubelet newer than its API server). */
  versionSkew: 'VersionSkew',
  /** A joining control plane already holds shared CA material other than the cluster's: never overwritten. */
  sharedCertificatesDiffer: 'SharedCertificatesDiffer',
} as const;

/** Never worth retrying: the same input fails the same way. */
export const NON_RETRYABLE_FAILURE_TYPES: string[] = [
  FailureTypes.sshAuth,
  FailureTypes.hostKeyMismatch,
  FailureTypes.hostKeyUnknown,
  FailureTypes.invalidSpec,
  FailureTypes.preflight,
  FailureTypes.certificateKeyExpired,
  FailureTypes.joinTokenExpired,
  FailureTypes.hostNeedsAttention,
  FailureTypes.versionSkew,
  FailureTypes.sharedCertificatesDiffer,
];

export interface PreflightProblem {
  check: string;
  message: string;
}

export interface HostFacts {
  hostname: string;
  macAddresses: string[];
  productUuid: string;
  /** Host clock minus the worker's clock, measured around the SSH round trip. */
  clockOffsetMs: number;
  kubeadmVersion: string;
  kubeletVersion: string;
}

export interface PreflightInput extends HostStepInput {
  fix: boolean;
  /** The bring-up's first control plane before kubeadm init: with external etcd, etcd.caFile/certFile/keyFile must be there. */
  initPrerequisites?: boolean;
}

export interface PreflightReport {
  host: string;
  problems: PreflightProblem[];
  /** Fixes applied because spec.preflight.fix is on (e.g. "swapoff -a"). */
  fixed: string[];
  facts: HostFacts;
}

export interface BootstrapToken {
  /** Secret. Travels only inside codec-encrypted payloads. */
  token: string;
  /** sha256:<hex> of the cluster CA's public key. Not secret, but useless without the token. */
  caCertHash: string;
  expiresAt: string;
}

export interface CertificateKey {
  /** Secret. Travels only inside codec-encrypted payloads. */
  key: string;
  expiresAt: string;
}

export interface JoinCredentials {
  token: BootstrapToken;
  /** Absent with manual certificate distribution: nothing was uploaded. */
  certificateKey?: CertificateKey;
}

export interface InitResult extends JoinCredentials {
  /** True when the host was already initialized (e.g. a crash after init): only fresh credentials were minted. */
  alreadyInitialized: boolean;
}

export interface UploadCertsInput extends HostStepInput {
  /** Re-upload with this key (renewal: joins in flight keep working); absent mints a new key (rotation). */
  certificateKey?: CertificateKey;
}

export interface RevokeInput extends HostStepInput {
  /** Ids (the public half) of bootstrap tokens to delete; already-gone ones are fine. */
  tokenIds: string[];
  /** Also delete the kubeadm-certs Secret (the uploaded control-plane certificates). */
  certificateSecret: boolean;
  /** Files on the host carrying secrets (kubeadm configs) to remove. */
  files?: string[];
}

export interface AbandonJoinInput extends HostStepInput {
  as: 'control-plane' | 'worker';
}

export interface AbandonJoinResult {
  /** False when the host was unreachable: it was removed from etcd and the Node list, but not reset. */
  reset: boolean;
}

export type LoadBalancerProbe = 'refused' | 'connected';

export interface JoinInput extends HostStepInput {
  as: 'control-plane' | 'worker';
  token: BootstrapToken;
  /** Required for control-plane joins, unless the certificates are distributed manually (then never sent). */
  certificateKey?: CertificateKey;
  /**
   * Manual certificate distribution, control-plane joins: the control plane the shared certificates
   * come from, copied again right before `kubeadm join` when they are missing (e.g. after this
   * join reset its host's leftovers).
   */
  certificatesFrom?: HostSpec;
}

/** Run on `host`, a control plane that has the shared certificates: copies them to `target`, a joining control plane. */
export interface CopySharedCertificatesInput extends HostStepInput {
  target: HostSpec;
}

/** Paths only: the files' contents never leave the two hosts' SSH sessions. */
export interface CopySharedCertificatesResult {
  copied: string[];
  /** Already there with the same content (a mode may have been corrected). */
  unchanged: string[];
}

export interface JoinResult {
  alreadyJoined: boolean;
  /** activityInfo().attempt of the run that succeeded, so reports show real attempt counts. Optional. */
  attempt?: number;
}

export interface EtcdMember {
  id: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
  started: boolean;
}

export interface EtcdEndpointStatus {
  endpoint: string;
  healthy: boolean;
  isLeader: boolean;
  raftTerm: number;
  version: string;
  error?: string;
}

export interface EtcdReport {
  members: EtcdMember[];
  endpoints: EtcdEndpointStatus[];
}

export interface NodeStatus {
  name: string;
  ready: boolean;
  roles: string[];
  version: string;
}

export interface PodStatus {
  namespace: string;
  name: string;
  node: string;
  phase: string;
}

/** The static pods of a control plane, as `<component>-<node>` mirror pods in kube-system. */
export const CONTROL_PLANE_COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

export interface ClusterReport {
  nodes: NodeStatus[];
  controlPlanePods: PodStatus[];
  readyz: string;
}

export interface WaitForNodeInput extends HostStepInput {
  node: string;
  timeoutMs: number;
}

export interface KubehaActivities extends UpgradeActivities, ResetActivities, CertificateActivities, RejoinActivities, DrillActivities {
  /** `initPrerequisites`: this host is where the bring-up runs kubeadm init (the files the user must have placed are checked). */
  preflight(input: PreflightInput): Promise<PreflightReport>;
  /** haproxy + keepalived on a load-balancer host. */
  configureLoadBalancer(input: HostStepInput): Promise<{ changed: boolean }>;
  /** haproxy.cfg alone rendered again on a load-balancer host (its backends follow the control planes); HAProxy reloaded when it changed. */
  updateLoadBalancerBackends(input: HostStepInput): Promise<{ changed: boolean }>;
  /** On a control plane: kubeadm's ClusterConfiguration (kubeadm-config ConfigMap) uploaded again as rendered from the spec. */
  uploadClusterConfiguration(input: HostStepInput): Promise<void>;
  /** The kube-vip static-pod manifest on a control plane. */
  installKubeVip(input: HostStepInput): Promise<{ changed: boolean }>;
  /** From `host`, connect to controlPlaneEndpoint. Timeout -> LoadBalancerUnreachable (retryable). */
  probeLoadBalancer(input: HostStepInput): Promise<{ result: LoadBalancerProbe }>;
  initControlPlane(input: HostStepInput): Promise<InitResult>;
  /** `kubeadm init phase upload-certs --upload-certs`, the key in a config file: the same key again, or a new one. */
  uploadCerts(input: UploadCertsInput): Promise<CertificateKey>;
  /** Deletes the bring-up's bootstrap tokens and/or the kubeadm-certs Secret, and secret-bearing files. */
  revokeJoinCredentials(input: RevokeInput): Promise<void>;
  /** `kubeadm token create` plus the CA cert hash. */
  createJoinToken(input: HostStepInput): Promise<BootstrapToken>;
  applyCni(input: HostStepInput): Promise<{ changed: boolean }>;
  /** Runs kubectl on `host` (a control plane) until `node` is Ready. */
  waitForNodeReady(input: WaitForNodeInput): Promise<NodeStatus>;
  joinNode(input: JoinInput): Promise<JoinResult>;
  /**
   * Manual certificate distribution: streams the shared CA material from `host` to `target` over
   * the two SSH sessions; files `target` already has identical are left alone, different ones
   * refused (SharedCertificatesDiffer), never overwritten.
   */
  copySharedCertificates(input: CopySharedCertificatesInput): Promise<CopySharedCertificatesResult>;
  /** Undoes a started join (cancel): stops kubeadm, removes the etcd member (learners too) and the Node, resets the host. */
  abandonJoin(input: AbandonJoinInput): Promise<AbandonJoinResult>;
  /** Runs on a control plane: members, endpoint status and health as etcdctl reports them; throws (retryable) only when it cannot read them. The workflow judges. */
  verifyEtcd(input: HostStepInput): Promise<EtcdReport>;
  /** Runs on a control plane: nodes, control-plane pods and /readyz; throws ClusterNotReady (retryable) only when kubectl cannot read them. The workflow judges. */
  verifyCluster(input: HostStepInput): Promise<ClusterReport>;
}
