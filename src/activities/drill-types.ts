/** The failover drill's part of the activity contract (KubehaActivities extends it). Workflows import these types only. */
import type { HostStepInput } from './types';

/** A static Pod manifest the drill stops: `kube-apiserver.yaml` or `etcd.yaml`. */
export type DrillManifestName = 'kube-apiserver.yaml' | 'etcd.yaml';

export interface DrillManifestsInput extends HostStepInput {
  manifests: DrillManifestName[];
}

export interface ParkManifestsResult {
  /** Manifests now parked in kubeha's directory (moved by this or an earlier attempt): what a restore puts back. */
  parked: DrillManifestName[];
  /** Manifests that were in neither place. */
  absent: DrillManifestName[];
}

export interface RestoreManifestsResult {
  restored: DrillManifestName[];
  /** Already back in the kubelet's directory. */
  present: DrillManifestName[];
  absent: DrillManifestName[];
}

export interface ProbeReadyzInput extends HostStepInput {
  /** `https://<endpoint>/readyz`, GET from `host` (never the stopped one). */
  url: string;
  windowMs: number;
  intervalMs: number;
}

/** One GET: when (host clock, ms since the epoch) and the HTTP code (0 when nothing answered). */
export interface ReadyzSample {
  at: number;
  code: number;
}

export interface ReadyzCodesInput extends HostStepInput {
  urls: string[];
}

export interface DrillActivities {
  /** Stops the host's static Pods by moving their manifests into kubeha's directory; idempotent, reports what is parked. */
  parkManifests(input: DrillManifestsInput): Promise<ParkManifestsResult>;
  /** Moves parked manifests back so the kubelet starts them again; idempotent. */
  restoreManifests(input: DrillManifestsInput): Promise<RestoreManifestsResult>;
  /** GETs the URL from `host` every `intervalMs` for `windowMs`: facts only, the workflow judges the outage. */
  probeReadyz(input: ProbeReadyzInput): Promise<ReadyzSample[]>;
  /** One GET of each URL from `host`: the HTTP codes (0 when nothing answered). */
  readyzCodes(input: ReadyzCodesInput): Promise<{ url: string; code: number }[]>;
}
