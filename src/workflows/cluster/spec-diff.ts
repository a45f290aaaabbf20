import type { ClusterSpec, HostSpec } from '../../spec/types';

export type WorkerDiff = { added: HostSpec[]; removed: HostSpec[] } | { problem: string };

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What `kubeha apply` would change: workers added and removed. Anything else that differs
 * (settings, control planes, load balancers, a worker's address) is refused, naming it and the
 * operation that changes it, so an apply never does more than it says. Pure; runs in the validator.
 */
export function diffWorkers(current: ClusterSpec, wanted: ClusterSpec, runningVersion: string): WorkerDiff {
  if (wanted.kubernetesVersion !== runningVersion) {
    return { problem: `the spec says kubernetesVersion ${wanted.kubernetesVersion} but the cluster runs ${runningVersion}: versions change through kubeha upgrade; set ${runningVersion} in the spec` };
  }
  const { hosts: currentHosts, ...currentSettings } = { ...current, kubernetesVersion: runningVersion };
  const { hosts: wantedHosts, ...wantedSettings } = wanted;
  const changed = Object.keys({ ...currentSettings, ...wantedSettings })
    .filter((k) => !same((currentSettings as Record<string, unknown>)[k], (wantedSettings as Record<string, unknown>)[k]))
    .sort();
  if (changed.length > 0) return { problem: `apply adds and removes workers only; the spec also changes ${changed.join(', ')}` };
  const byName = (hosts: HostSpec[]) => new Map(hosts.map((h) => [h.name, h]));
  const before = byName(currentHosts);
  const after = byName(wantedHosts);
  for (const [name, host] of before) {
    const next = after.get(name);
    if (host.role !== 'worker' && !same(host, next)) {
      return { problem: `apply adds and removes workers only; ${host.role} ${name} ${next ? 'changes' : 'is removed'} (kubeha rejoin or replace handle control planes)` };
    }
    if (host.role === 'worker' && next && !same(host, next)) return { problem: `worker ${name} changes (${next.role !== host.role ? 'its role' : 'its address or SSH settings'}): remove it in one apply and add it in the next` };
  }
  const added = wantedHosts.filter((h) => !before.has(h.name));
  const addedOther = added.find((h) => h.role !== 'worker');
  if (addedOther) return { problem: `apply adds workers only; ${addedOther.role} ${addedOther.name} is new` };
  const removed = currentHosts.filter((h) => h.role === 'worker' && !after.has(h.name));
  if (added.length === 0 && removed.length === 0) return { problem: 'nothing to apply: the spec has the workers the cluster has' };
  return { added, removed };
}
