/**
 * The cluster spec after validation and defaulting. This is what workflows receive:
 * plain data, durations in milliseconds, no file contents (SSH keys stay on the worker's
 * disk; only their paths travel).
 */

export type HostRole = 'control-plane' | 'worker' | 'load-balancer';

/** Gates a bring-up holds at when the spec lists them (`approvals`). */
export type BringUpGate = 'before-init' | 'before-workers';
/** Gates an upgrade holds at: `before-upgrade-apply` carries `kubeadm upgrade plan`'s output. */
export type UpgradeGate = 'before-upgrade-apply';
/** Gates of the cluster's other operations: `apply` before it removes workers, `reset` before it tears the cluster down. */
export type OperationGate = UpgradeGate | 'before-remove-workers' | 'before-reset';
export type ApprovalGate = BringUpGate | OperationGate;

export interface JumpHostSpec {
  address: string;
  port: number;
  user: string;
}

export interface SshSpec {
  user: string;
  port: number;
  /** Path on the worker's disk, `~` already expanded. */
  privateKey: string;
  /** Path on the worker's disk, `~` already expanded. */
  knownHosts: string;
  /** Trust-on-first-use: accept and record keys of hosts missing from knownHosts. Off by default. */
  acceptNewHostKeys: boolean;
  /** Run remote commands through `sudo -n` (implied when user is not root). */
  sudo: boolean;
  jumpHost?: JumpHostSpec;
  connectTimeoutMs: number;
}

export interface HostSpec {
  name: string;
  address: string;
  role: HostRole;
  /** Per-host overrides of spec.ssh, already merged. */
  ssh: SshSpec;
}

export type LoadBalancerSpec =
  | { type: 'kube-vip'; vip: string; port: number; interface: string; image: string }
  | { type: 'haproxy-keepalived'; vip: string; port: number; interface: string; virtualRouterId: number }
  | { type: 'external' };

export type EtcdSpec =
  | { topology: 'stacked' }
  | { topology: 'external'; endpoints: string[]; caFile: string; certFile: string; keyFile: string };

export interface NetworkingSpec {
  podSubnet: string;
  serviceSubnet: string;
  dnsDomain: string;
  /** `calico`, `flannel` (each pinned to a release), or a manifest file in the worker's manifest directory. */
  cni: string;
  /** Required with a manifest file: the worker applies it only when its sha256 matches. */
  cniSha256?: string;
}

export interface LifetimeSpec {
  ttlMs: number;
  renewBeforeMs: number;
}

export interface JoinTokenSpec extends LifetimeSpec {
  /** Keep one bootstrap token after the bring-up; false (and absent in specs from before the field) deletes them all. */
  keep?: boolean;
}

/** How long the bring-up waits at each gate before it fails with GateTimedOut (ms); a gate left out waits for ever. */
export type ApprovalTimeouts = Partial<Record<ApprovalGate, number>>;

export interface ClusterSpec {
  name: string;
  kubernetesVersion: string;
  /** host:port */
  controlPlaneEndpoint: string;
  loadBalancer: LoadBalancerSpec;
  etcd: EtcdSpec;
  networking: NetworkingSpec;
  imageRepository: string;
  criSocket: string;
  cgroupDriver: 'systemd' | 'cgroupfs';
  kubeProxyMode: 'iptables' | 'ipvs' | 'nftables';
  extraArgs: {
    apiServer: Record<string, string>;
    controllerManager: Record<string, string>;
    scheduler: Record<string, string>;
  };
  certificateKey: LifetimeSpec;
  /**
   * `manual`: no `--upload-certs`; kubeha copies the certificates shared among control planes from
   * one control plane to the joining one over SSH. Absent (every spec from before the field, and
   * `upload` in the user's spec): kubeadm uploads them encrypted with the certificate key.
   */
  certificateDistribution?: 'manual';
  joinToken: JoinTokenSpec;
  approvals: ApprovalGate[];
  /** Whoever requested the bring-up may approve its gates too; false (and absent in specs from before the field) refuses it. */
  allowSelfApproval?: boolean;
  /** Absent in specs from before gate timeouts existed. */
  approvalTimeoutsMs?: ApprovalTimeouts;
  controlPlaneJoins: 'parallel' | 'serial';
  workers: { maxConcurrentJoins: number };
  preflight: { fix: boolean; ignore: string[] };
  ssh: SshSpec;
  hosts: HostSpec[];
}
