import type { EtcdReport } from '../../activities/types';

/** What is wrong with the etcd cluster, or [] when it has `expected` started voting members, all healthy, one leader, one term. */
export function etcdProblems(report: EtcdReport, expected: number): string[] {
  const problems: string[] = [];
  if (report.members.length !== expected) problems.push(`${report.members.length} members, expected ${expected}`);
  for (const m of report.members) {
    if (!m.started) problems.push(`member ${m.id} (${m.peerURLs.join(',')}) is not started`);
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
