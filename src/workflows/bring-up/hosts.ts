import type { ClusterSettings } from '../../activities/types';
import type { ClusterSpec, HostRole, HostSpec } from '../../spec/types';

/** Pure host helpers for workflow code (deterministic, no Node APIs). */
export function hostsWithRole(spec: Pick<ClusterSpec, 'hosts'>, role: HostRole): HostSpec[] {
  return spec.hosts.filter((h) => h.role === role);
}

export function settingsOf(spec: ClusterSpec): ClusterSettings {
  const { hosts: _hosts, ...rest } = spec;
  return { ...rest, controlPlanes: hostsWithRole(spec, 'control-plane') };
}

export function hostInput(ctx: { settings: ClusterSettings }, host: HostSpec): { cluster: ClusterSettings; host: HostSpec } {
  return { cluster: ctx.settings, host };
}
