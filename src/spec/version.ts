/** Kubernetes versions kubeha knows how to configure. Pure; safe in workflow code. */
export const MIN_MINOR = 28;
export const MAX_MINOR = 33;
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
