import type { EtcdReport } from '../../activities/types';
import { controlPlanes } from '../../spec/hosts';
import type { ClusterSpec } from '../../spec/types';

/**
 * What etcd must look like after the control planes joined: stacked, one member named after
 * each control plane; external, as many members as the spec lists endpoints.
 */
export function expectedEtcdMembers(spec: Pick<ClusterSpec, 'etcd' | 'hosts'>): number | string[] {
  return spec.etcd.topology === 'external' ? spec.etcd.endpoints.length : controlPlanes(spec).map((h) => h.name);
}

/**
 * The judge of etcd health: what is wrong, or [] when etcd has the expected started voting
 * members (by count, or by name), all endpoints healthy, one leader and one term.
 */
export function etcdProblems(report: EtcdReport, expected: number | readonly string[]): string[] {
  const problems: string[] = [];
  const names = typeof expected === 'number' ? undefined : expected;
  const count = names ? names.length : (expected as number);
  if (report.members.length !== count) problems.push(`${report.members.length} members, expected ${count}`);
  for (const name of names ?? []) {
    const named = report.members.filter((m) => m.name === name).length;
    if (named === 0) problems.push(`no member named ${name}`);
    else if (named > 1) problems.push(`${named} members named ${name}`);
  }
  for (const m of report.members) {
    if (!m.started) problems.push(`member ${m.id} (${m.peerURLs.join(',')}) is not started`);
    else if (names && !names.includes(m.name)) problems.push(`member ${m.name} is not a control plane of the spec`);
    if (m.isLearner) problems.push(`member ${m.name || m.id} is still a learner`);
  }
  for (const e of report.endpoints) {
    if (!e.healthy) problems.push(`endpoint ${e.endpoint} is unhealthy${e.error ? `: ${e.error}` : ''}`);
  }
  const leaders = report.endpoints.filter((e) => e.isLeader).length;
  if (leaders !== 1) problems.push(`${leaders} leaders, expected exactly 1`);
  const terms = new Set(report.endpoints.filter((e) => e.healthy).map((e) => e.raftTerm));
  if (terms.size > 1) problems.push(`endpoints disagree on the raft term: ${[...terms].join(', ')}`);
  return problems;
}

export function etcdTable(report: EtcdReport): string {
  const rows = report.endpoints.map(
    (e) => `  ${e.endpoint.padEnd(28)} healthy=${e.healthy} leader=${e.isLeader} term=${e.raftTerm} version=${e.version}`,
  );
  const members = report.members.map(
    (m) => `  ${m.id} ${(m.name || '(unstarted)').padEnd(16)} started=${m.started} learner=${m.isLearner} ${m.peerURLs.join(',')}`,
  );
  return ['members:', ...members, 'endpoints:', ...rows].join('\n');
}
