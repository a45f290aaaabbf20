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
