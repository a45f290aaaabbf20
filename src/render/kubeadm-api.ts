import { releaseOf } from '../spec/version';
import type { KubeadmApi } from '../spec/version';

export type { KubeadmApi };

/** kubeadm's config API generation for a release (the release table decides). */
export function kubeadmApiFor(kubernetesVersion: string): KubeadmApi {
  return releaseOf(kubernetesVersion).kubeadmApi;
}

/** v1beta3 takes a map of flags; v1beta4 a list of {name, value} (which allows repeating a flag). */
export type ExtraArgs = Record<string, string> | { name: string; value: string }[];

export function extraArgsFor(api: KubeadmApi, args: Record<string, string>): ExtraArgs {
  const sorted = Object.keys(args).sort();
  if (api === 'kubeadm.k8s.io/v1beta3') return Object.fromEntries(sorted.map((k) => [k, args[k] as string]));
  return sorted.map((name) => ({ name, value: args[name] as string }));
}

/** Drops an extraArgs field entirely when there is nothing in it. */
export function withExtraArgs<T extends object>(api: KubeadmApi, base: T, args: Record<string, string>): T & { extraArgs?: ExtraArgs } {
  return Object.keys(args).length === 0 ? base : { ...base, extraArgs: extraArgsFor(api, args) };
}
