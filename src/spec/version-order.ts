/** Ordering of `vX.Y.Z` releases. Pure; safe in workflow code. */
import { parseKubernetesVersion } from './version';

/** <0 when a is older than b, 0 when equal, >0 when newer; undefined when either is not `v1.Y.Z`. */
export function compareVersions(a: string, b: string): number | undefined {
  const x = parseKubernetesVersion(a.trim());
  const y = parseKubernetesVersion(b.trim());
  if (!x || !y) return undefined;
  return x.minor - y.minor || x.patch - y.patch;
}

/** The pkgs.k8s.io Debian version of a release: `v1.31.1` -> `1.31.1-1.1`. */
export function debVersion(version: string): string {
  return `${version.replace(/^v/, '')}-1.1`;
}
