/**
 * etcdctl 3.4/3.5 `-w json` output. Member and leader IDs are uint64 JSON numbers that lose
 * precision as JS numbers, so they are quoted before parsing.
 */
import type { EtcdEndpointStatus, EtcdMember, EtcdReport } from './types';

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

/** What is wrong with a stacked etcd of `controlPlanes`; empty when healthy. */
export function etcdProblems(report: EtcdReport, controlPlanes: string[]): string[] {
  const problems: string[] = [];
  for (const name of controlPlanes) {
    const members = report.members.filter((m) => m.name === name);
    if (members.length === 0) problems.push(`no etcd member named ${name}`);
    else if (members.length > 1) problems.push(`${members.length} etcd members named ${name}`);
    else if (members[0]?.isLearner) problems.push(`etcd member ${name} is still a learner`);
  }
  for (const m of report.members) {
    if (!m.started) problems.push(`etcd member ${m.id} (${m.peerURLs.join(',')}) was added but never started`);
    else if (!controlPlanes.includes(m.name)) problems.push(`etcd member ${m.name} is not a control plane of the spec`);
  }
  for (const e of report.endpoints) if (!e.healthy) problems.push(`${e.endpoint} is unhealthy${e.error ? `: ${e.error}` : ''}`);
  const leaders = report.endpoints.filter((e) => e.isLeader).length;
  if (leaders !== 1) problems.push(`${leaders} leaders, expected exactly 1`);
  const terms = new Set(report.endpoints.filter((e) => e.raftTerm > 0).map((e) => e.raftTerm));
  if (terms.size > 1) problems.push(`endpoints disagree on the raft term (${[...terms].join(', ')})`);
  return problems;
}

export function etcdTable(report: EtcdReport): string {
  const rows = [['MEMBER', 'NAME', 'STARTED', 'LEARNER', 'PEER URLS']];
  for (const m of report.members) rows.push([m.id, m.name || '-', String(m.started), String(m.isLearner), m.peerURLs.join(',')]);
  const rows2 = [['ENDPOINT', 'HEALTHY', 'LEADER', 'RAFT TERM', 'VERSION', 'ERROR']];
  for (const e of report.endpoints) rows2.push([e.endpoint, String(e.healthy), String(e.isLeader), String(e.raftTerm), e.version, e.error ?? '']);
  return `${table(rows)}\n${table(rows2)}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
