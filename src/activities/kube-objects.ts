/** The few fields of `kubectl get -o json` objects kubeha reads. */
import type { NodeStatus, PodStatus } from './types';

interface KubeNode {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: { conditions?: { type?: string; status?: string }[]; nodeInfo?: { kubeletVersion?: string } };
}

interface KubePod {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

function items<T>(json: string): T[] {
  const parsed = JSON.parse(json) as { kind?: string; items?: T[] } & T;
  return Array.isArray(parsed.items) ? parsed.items : [parsed];
}

export function nodeStatuses(json: string): NodeStatus[] {
  return items<KubeNode>(json).map((n) => ({
    name: n.metadata?.name ?? '',
    ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    roles: Object.keys(n.metadata?.labels ?? {})
      .filter((l) => l.startsWith('node-role.kubernetes.io/'))
      .map((l) => l.slice('node-role.kubernetes.io/'.length)),
    version: n.status?.nodeInfo?.kubeletVersion ?? '',
  }));
}

export function podStatuses(json: string): PodStatus[] {
  return items<KubePod>(json).map((p) => ({
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    node: p.spec?.nodeName ?? '',
    phase: p.status?.phase ?? 'Unknown',
  }));
}

export { CONTROL_PLANE_COMPONENTS } from './types';
