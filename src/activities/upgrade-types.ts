/** The upgrade's part of the activity contract (KubehaActivities extends it). Workflows import these types only. */
import type { HostStepInput, NodeStatus } from './types';

/** An activity acting on `host` for the upgrade to `to` (`vX.Y.Z`). */
export interface UpgradeHostInput extends HostStepInput {
  to: string;
}

/** Run on a control plane (kubectl with admin.conf) about `node`. */
export interface NodeInput extends HostStepInput {
  node: string;
  timeoutMs: number;
}

export interface UpgradeFacts {
  /** `/version` through controlPlaneEndpoint (whichever API server answered). */
  endpointVersion: string;
  /** `/version` of the API server on the host the facts were read on. */
  localVersion: string;
  nodes: NodeStatus[];
}

export interface KubeadmRun {
  /** The effect was already there: nothing was run. */
  alreadyDone: boolean;
  /** This attempt attached to a run an earlier attempt had started. */
  attached?: boolean;
}

export interface UpgradeActivities {
  /** Read only: versions of the API servers and every node's kubelet, from a control plane. */
  upgradeFacts(input: HostStepInput): Promise<UpgradeFacts>;
  /** apt-mark unhold, apt-get install kubeadm=<to>, hold; nothing when already at `to` and held. */
  installKubeadm(input: UpgradeHostInput): Promise<{ changed: boolean }>;
  /** `kubeadm upgrade plan <to>` on the first control plane: its output (redacted) for the gate. */
  kubeadmUpgradePlan(input: UpgradeHostInput): Promise<{ output: string }>;
  /** `kubeadm upgrade apply <to> --yes`, detached; nothing when this control plane already runs `to`. */
  kubeadmUpgradeApply(input: UpgradeHostInput): Promise<KubeadmRun>;
  /** `kubeadm upgrade node`, detached; nothing when already done for `to`. */
  kubeadmUpgradeNode(input: UpgradeHostInput): Promise<KubeadmRun>;
  /** `kubectl drain` (ignoring DaemonSets) run on a control plane; draining again is harmless. */
  drainNode(input: NodeInput): Promise<void>;
  /** `kubectl uncordon`; uncordoning again is harmless. */
  uncordonNode(input: NodeInput): Promise<void>;
  /**
   * kubelet and kubectl packages at `to`, daemon-reload, kubelet restart. Refuses (VersionSkew)
   * when the API server the kubelet talks to is older than `to`.
   */
  upgradeKubelet(input: UpgradeHostInput): Promise<{ changed: boolean }>;
}
