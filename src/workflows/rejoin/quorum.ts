/**
 * The one rule for removing an etcd member: the members left after the removal keep quorum, i.e.
 * more than half of the voting members that remain are started and answer as healthy. Pure (workflow code).
 */
import type { EtcdMember, EtcdReport } from '../../activities/types';
import { joinHostPort } from '../../spec/hosts';

export interface RemovalJudgement {
  keepsQuorum: boolean;
  /** Members that belong to the node (by name or peer URL): what the removal takes out. */
  targetIds: string[];
  /** Voting members left after the removal, and how many of them are started and healthy. */
  remaining: number;
  healthyRemaining: number;
  /** One line for the progress and the failure. */
  summary: string;
}

export const peerUrlOf = (address: string): string => `https://${joinHostPort(address, 2380)}`;

const belongsTo = (m: EtcdMember, node: { name: string; address: string }): boolean => m.name === node.name || m.peerURLs.includes(peerUrlOf(node.address));

/** Started, voting, and one of its client URLs answered healthy. */
export function memberHealthy(report: EtcdReport, m: EtcdMember): boolean {
  return m.started && !m.isLearner && report.endpoints.some((e) => e.healthy && m.clientURLs.includes(e.endpoint));
}

export function judgeRemoval(report: EtcdReport, node: { name: string; address: string }): RemovalJudgement {
  const targets = report.members.filter((m) => belongsTo(m, node));
  const remaining = report.members.filter((m) => !belongsTo(m, node) && !m.isLearner);
  const healthy = remaining.filter((m) => memberHealthy(report, m));
  const keepsQuorum = remaining.length > 0 && healthy.length * 2 > remaining.length;
  const need = Math.floor(remaining.length / 2) + 1;
  const summary =
    `${report.members.length} member(s); removing ${node.name}'s ${targets.length ? targets.map((m) => m.id).join(', ') : '(none left)'} leaves ${remaining.length} voting, ` +
    `${healthy.length} healthy (${keepsQuorum ? 'quorum kept' : `quorum needs ${Math.max(need, 1)}`})`;
  return { keepsQuorum, targetIds: targets.map((m) => m.id), remaining: remaining.length, healthyRemaining: healthy.length, summary };
}

/**
 * External etcd: nothing of it is removed or added, but a control plane's API server needs its
 * quorum, so a rejoin checks it before anything changes and after the join: more than half of the
 * voting members started and answering healthy. Undefined when it has quorum.
 */
export function externalQuorumProblem(report: EtcdReport): string | undefined {
  const voting = report.members.filter((m) => !m.isLearner);
  const healthy = voting.filter((m) => memberHealthy(report, m));
  if (voting.length > 0 && healthy.length * 2 > voting.length) return undefined;
  const down = voting.filter((m) => !healthy.includes(m)).map((m) => m.name || m.id);
  return `the external etcd has ${healthy.length} of ${voting.length} voting member(s) healthy (quorum needs ${Math.floor(voting.length / 2) + 1})${down.length ? `; not healthy: ${down.join(', ')}` : ''}`;
}

/** Members that were there before and are gone, or are new: an external etcd must not change under a rejoin. */
export function externalMembersChanged(before: EtcdReport, after: EtcdReport): string | undefined {
  const ids = (r: EtcdReport) => r.members.map((m) => m.id).sort();
  const [a, b] = [ids(before), ids(after)];
  if (a.length === b.length && a.every((id, i) => id === b[i])) return undefined;
  return `the external etcd's members changed during the rejoin: ${a.join(', ')} before, ${b.join(', ')} after`;
}

/**
 * Admission's view from the record alone (no host asked): a stacked control plane can only be
 * removed and joined again through another control plane, and only if the ones left are a majority.
 */
export function rejoinQuorumProblem(controlPlanes: readonly string[], node: string): string | undefined {
  const others = controlPlanes.filter((n) => n !== node);
  if (others.length === 0) {
    return `${node} is the only control plane: removing it would leave etcd without members and the cluster without an API server; there is nothing to rejoin it to (rebuild the cluster instead)`;
  }
  return undefined;
}
