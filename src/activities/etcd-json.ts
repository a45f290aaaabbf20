/**
 * etcdctl 3.4/3.5 `-w json` output. Member and leader IDs are uint64 JSON numbers that lose
 * precision as JS numbers, so they are quoted before parsing.
 */
import type { EtcdEndpointStatus, EtcdMember } from './types';

function quoteIds(json: string): string {
  return json.replace(/"(ID|id|member_id|cluster_id|leader|memberID)"\s*:\s*(\d+)/g, '"$1":"$2"');
}

/**
 * etcdctl prints its JSON on one line; with stderr mixed in, warnings (JSON log lines) and
 * `Error: ...` may surround it. Take the first line of the expected shape.
 */
function parse<T>(text: string, accept: (value: unknown) => boolean): T | undefined {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) continue;
    try {
      const value = JSON.parse(quoteIds(trimmed)) as unknown;
      if (accept(value)) return value as T;
    } catch {
      /* not this line */
    }
  }
  return undefined;
}

const isObjectWith = (key: string) => (v: unknown): boolean => typeof v === 'object' && v !== null && key in v;

interface MemberListJson {
  members?: { ID?: string; name?: string; peerURLs?: string[]; clientURLs?: string[]; isLearner?: boolean }[];
}

interface StatusJson {
  Endpoint?: string;
  Status?: { header?: { member_id?: string; raft_term?: number }; leader?: string; version?: string; raftTerm?: number; errors?: string[] };
}

interface HealthJson {
  endpoint?: string;
  health?: boolean;
  error?: string;
}

export function parseMembers(text: string): EtcdMember[] | undefined {
  const parsed = parse<MemberListJson>(text, isObjectWith('members'));
  if (!parsed) return undefined;
  return (parsed.members ?? []).map((m) => ({
    id: BigInt(m.ID ?? '0').toString(16),
    name: m.name ?? '',
    peerURLs: m.peerURLs ?? [],
    clientURLs: m.clientURLs ?? [],
    isLearner: m.isLearner ?? false,
    // An added member that never started has no name and no client URLs.
    started: (m.name ?? '') !== '' && (m.clientURLs ?? []).length > 0,
  }));
}

export function parseEndpoints(statusText: string, healthText: string): EtcdEndpointStatus[] {
  const statuses = parse<StatusJson[]>(statusText, Array.isArray) ?? [];
  const health = parse<HealthJson[]>(healthText, Array.isArray) ?? [];
  const byEndpoint = new Map<string, EtcdEndpointStatus>();
  for (const s of statuses) {
    const endpoint = s.Endpoint ?? '';
    const memberId = s.Status?.header?.member_id;
    byEndpoint.set(endpoint, {
      endpoint,
      healthy: false,
      isLeader: memberId !== undefined && memberId === s.Status?.leader,
      raftTerm: Number(s.Status?.header?.raft_term ?? s.Status?.raftTerm ?? 0),
      version: s.Status?.version ?? '',
      ...(s.Status?.errors?.length ? { error: s.Status.errors.join('; ') } : {}),
    });
  }
  for (const h of health) {
    const endpoint = h.endpoint ?? '';
    const entry = byEndpoint.get(endpoint) ?? { endpoint, healthy: false, isLeader: false, raftTerm: 0, version: '' };
    entry.healthy = h.health === true;
    if (h.error) entry.error = h.error;
    byEndpoint.set(endpoint, entry);
  }
  return [...byEndpoint.values()].sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}
