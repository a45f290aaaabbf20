/**
 * The Kubernetes releases kubeha knows how to configure, one row per minor. Pure (no Node APIs):
 * workflow code and update validators import it.
 *
 * Sources, read 2026-11-30:
 * - endOfLife: kubernetes/website data/releases/eol.yaml for v1.22–v1.31; the kubernetes.io
 *   release pages (kubernetes.io/releases/1.NN) for v1.32–v1.37.
 * - Newest upstream release: v1.37 (v1.37.0 released 2026-08-26, v1.37.1 on 2026-09-15,
 *   kubernetes.io/releases/1.37); v1.38 is not out yet.
 * - etcd: kubeadm's SupportedEtcdVersion (cmd/kubeadm/app/constants/constants.go) for that
 *   minor as the vX.Y.0 release ships it. Backports raise it within a branch later (the
 *   release-1.32 branch ends at 3.5.24-0 for v1.29–v1.32), so a late patch release may
 *   install a newer etcd than listed. v1.34/v1.35 are corroborated by build/dependencies.yaml
 *   at v1.34.1 and v1.35.0; v1.36 is the value master carried in the v1.36 cycle
 *   (kubernetes PR 137956: 34–36 → 3.6.9-0). No source lists v1.37: kubeadm then falls back
 *   to its nearest entry, which is what the v1.37 row repeats.
 * - kubeadmApi: v1beta3 since v1.22, v1beta4 since v1.31 (kubeha writes v1beta4 from v1.31).
 * - defaultImageRepository: kubeadm's default moved from k8s.gcr.io to registry.k8s.io in v1.25.
 * - superAdminConf: `kubeadm init` writes super-admin.conf (system:masters) from v1.29 on, and
 *   admin.conf is bound to kubeadm:cluster-admins through RBAC; before, admin.conf itself is in
 *   system:masters.
 */
export type KubeadmApi = 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4';

export interface KubernetesRelease {
  minor: number;
  kubeadmApi: KubeadmApi;
  /** registry.k8s.io/etcd tag kubeadm deploys for stacked etcd, e.g. `3.5.12-0`. */
  etcd: string;
  superAdminConf: boolean;
  defaultImageRepository: 'k8s.gcr.io' | 'registry.k8s.io';
  /** End of upstream support, `YYYY-MM-DD`. */
  endOfLife: string;
}

const row = (minor: number, etcd: string, endOfLife: string): KubernetesRelease => ({
  minor,
  kubeadmApi: minor >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3',
  etcd,
  superAdminConf: minor >= 29,
  defaultImageRepository: minor >= 25 ? 'registry.k8s.io' : 'k8s.gcr.io',
  endOfLife,
});

export const RELEASES: readonly KubernetesRelease[] = [
  row(22, '3.5.0-0', '2022-12-08'),
  row(23, '3.5.1-0', '2023-02-28'),
  row(24, '3.5.3-0', '2023-07-28'),
  row(25, '3.5.4-0', '2023-10-28'),
  row(26, '3.5.6-0', '2024-02-28'),
  row(27, '3.5.7-0', '2024-07-16'),
  row(28, '3.5.9-0', '2024-10-22'),
  row(29, '3.5.10-0', '2025-02-28'),
  row(30, '3.5.12-0', '2025-07-15'),
  row(31, '3.5.15-0', '2025-11-11'),
  row(32, '3.5.16-0', '2026-02-28'),
  row(33, '3.5.21-0', '2026-06-28'),
  row(34, '3.6.4-0', '2026-10-27'),
  row(35, '3.6.6-0', '2027-02-28'),
  row(36, '3.6.9-0', '2027-06-28'),
  row(37, '3.6.9-0', '2027-10-28'),
];

export const MIN_MINOR = (RELEASES[0] as KubernetesRelease).minor;
export const MAX_MINOR = (RELEASES[RELEASES.length - 1] as KubernetesRelease).minor;
export const SUPPORTED_RANGE = `v1.${MIN_MINOR}–v1.${MAX_MINOR}`;

export interface KubernetesVersion {
  minor: number;
  patch: number;
}

export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const m = /^v1\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
  return m ? { minor: Number(m[1]), patch: Number(m[2]) } : undefined;
}

export function isSupportedMinor(minor: number): boolean {
  return minor >= MIN_MINOR && minor <= MAX_MINOR;
}

export function minorOf(version: string): number {
  const parsed = parseKubernetesVersion(version);
  if (!parsed) throw new Error(`invalid kubernetesVersion ${version} (validation should have rejected it)`);
  return parsed.minor;
}

/** The table row for a validated version; throws for one validation should have refused. */
export function releaseOf(version: string): KubernetesRelease {
  const minor = minorOf(version);
  const release = RELEASES.find((r) => r.minor === minor);
  if (!release) throw new Error(`Kubernetes ${version} is not in kubeha's release table (${SUPPORTED_RANGE}; validation should have refused it)`);
  return release;
}

/** Whether upstream support has ended on `today` (`YYYY-MM-DD`; the caller decides what today is). */
export function isPastEndOfLife(release: KubernetesRelease, today: string): boolean {
  return today > release.endOfLife;
}

/**
 * kubeadm's upgrade skew rules, as one sentence saying why `from -> to` is refused, or
 * undefined when kubeadm would upgrade: patch upgrades and the next minor are fine.
 */
export function upgradeProblem(from: string, to: string): string | undefined {
  const a = parseKubernetesVersion(from);
  const b = parseKubernetesVersion(to);
  if (!a) return `${JSON.stringify(from)} is not a Kubernetes version (write it as v1.MINOR.PATCH, e.g. v1.30.2)`;
  if (!b) return `${JSON.stringify(to)} is not a Kubernetes version (write it as v1.MINOR.PATCH, e.g. v1.31.2)`;
  if (!isSupportedMinor(b.minor)) return `Kubernetes ${to} is not supported (kubeha supports ${SUPPORTED_RANGE})`;
  if (a.minor === b.minor && a.patch === b.patch) return `the cluster is already at ${to}`;
  if (b.minor < a.minor || (b.minor === a.minor && b.patch < a.patch)) {
    return `${from} -> ${to} is a downgrade; kubeadm only upgrades (restore an etcd backup to go back)`;
  }
  if (b.minor > a.minor + 1) return `kubeadm upgrades one minor at a time: upgrade to v1.${a.minor + 1}.x first`;
  return undefined;
}
