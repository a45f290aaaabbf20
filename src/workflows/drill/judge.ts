/**
 * The drill's one judge: what the probes through the endpoint and etcd seen from a surviving
 * member mean. Facts come from activities; the thresholds live here. Pure (workflow code).
 */
import type { DrillManifestName, ReadyzSample } from '../../activities/drill-types';
import type { EtcdReport } from '../../activities/types';
import type { ClusterSpec, HostSpec } from '../../spec/types';

export interface Outage {
  /** From the first probe that did not get 200 until the endpoint answered every probe again (or the window ended). */
  outageMs: number;
  probes: number;
  failedProbes: number;
  /** Still failing when the window ended. */
  stillFailing: boolean;
}

/**
 * The endpoint's outage in one window. A load balancer that health-checks its backends fails (at
 * most) a short stretch right after a backend stops and none after; one that does not keeps
 * sending a share of the requests to the stopped backend, so failures go on until the window
 * ends. Counting from the first failure to the first success after the last one catches both.
 */
export function measureOutage(samples: readonly ReadyzSample[], intervalMs: number): Outage {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const failed = sorted.filter((s) => s.code !== 200);
  const first = failed[0];
  const last = failed[failed.length - 1];
  if (!first || !last) return { outageMs: 0, probes: sorted.length, failedProbes: 0, stillFailing: false };
  const recovered = sorted.find((s) => s.at > last.at && s.code === 200);
  const end = recovered ? recovered.at : last.at + intervalMs;
  return { outageMs: Math.max(0, end - first.at), probes: sorted.length, failedProbes: failed.length, stillFailing: !recovered };
}

/** The probe window: long enough that an outage longer than the bound shows as one. */
export function probeWindowMs(maxOutageMs: number, slackMs: number): number {
  return maxOutageMs + slackMs;
}

export function outageProblem(outage: Outage, maxOutageMs: number, host: string): string | undefined {
  if (outage.probes === 0) return `no /readyz probe through the endpoint ran while ${host} was down`;
  if (outage.outageMs <= maxOutageMs) return undefined;
  const how = outage.stillFailing ? ' and was still failing when the window ended' : '';
  return (
    `the endpoint stopped answering /readyz for ${outage.outageMs} ms (> ${maxOutageMs} ms)${how} while ${host} was down ` +
    `(${outage.failedProbes} of ${outage.probes} probes failed): does the load balancer health-check its backends?`
  );
}

export interface EtcdDuring {
  members: number;
  started: number;
  healthy: number;
  /** Member name of the healthy leader, when there is one. */
  leader?: string;
}

export function etcdDuring(report: EtcdReport): EtcdDuring {
  const healthy = report.endpoints.filter((e) => e.healthy);
  const leaderEndpoint = healthy.find((e) => e.isLeader)?.endpoint;
  const leader = leaderEndpoint === undefined ? undefined : (report.members.find((m) => m.clientURLs.includes(leaderEndpoint))?.name ?? leaderEndpoint);
  return {
    members: report.members.length,
    started: report.members.filter((m) => m.started).length,
    healthy: healthy.length,
    ...(leader !== undefined ? { leader } : {}),
  };
}

/** Quorum (more than half the members healthy) and a leader while `stopped` is down; its own member must be down. */
export function etcdDuringProblems(during: EtcdDuring, report: EtcdReport, stopped: HostSpec | undefined): string[] {
  const problems: string[] = [];
  if (during.healthy * 2 <= during.members) problems.push(`etcd lost quorum: ${during.healthy} of ${during.members} members healthy`);
  if (during.leader === undefined) problems.push('etcd has no leader');
  if (stopped) {
    const own = report.members.find((m) => m.name === stopped.name);
    const ownEndpoint = own && report.endpoints.find((e) => own.clientURLs.includes(e.endpoint));
    if (ownEndpoint?.healthy) problems.push(`etcd on ${stopped.name} still answers: its static Pod did not stop`);
  }
  return problems;
}

/** Every member started and healthy, and one leader: what the cluster must look like before and after. */
export function etcdWholeProblems(report: EtcdReport, expectedMembers: number): string[] {
  const during = etcdDuring(report);
  const problems: string[] = [];
  if (during.members !== expectedMembers) problems.push(`etcd has ${during.members} members, expected ${expectedMembers}`);
  if (during.started !== during.members) problems.push(`${during.members - during.started} etcd member(s) not started`);
  if (during.healthy !== during.members) problems.push(`${during.healthy} of ${during.members} etcd members healthy`);
  if (during.leader === undefined) problems.push('etcd has no leader');
  return problems;
}

/** The static Pods a drill stops on a control plane: with stacked etcd its member too. */
export function drillManifests(spec: Pick<ClusterSpec, 'etcd'>): DrillManifestName[] {
  return spec.etcd.topology === 'stacked' ? ['kube-apiserver.yaml', 'etcd.yaml'] : ['kube-apiserver.yaml'];
}

/**
 * Why this cluster has no HA to drill, or undefined. With stacked etcd one control plane down
 * must leave a majority of members: three or more. With external etcd the drill stops only API
 * servers (etcd does not run on them), so two are enough for the endpoint to fail over.
 */
export function drillRefusal(spec: Pick<ClusterSpec, 'etcd' | 'hosts' | 'name'>): string | undefined {
  const cps = spec.hosts.filter((h) => h.role === 'control-plane').length;
  if (spec.etcd.topology === 'stacked' && cps < 3) {
    return `cluster ${spec.name} has ${cps} control plane(s) with stacked etcd: no HA to drill (stopping one would ${cps === 2 ? 'lose etcd quorum' : 'stop the cluster'}; HA needs 3 or more)`;
  }
  if (cps < 2) return `cluster ${spec.name} has ${cps} control plane(s): no HA to drill (its external etcd does not help when the only API server stops)`;
  return undefined;
}

/** `readyz` URL of a host's API server or of the endpoint. */
export function readyzUrl(hostPort: string): string {
  return `https://${hostPort}/readyz`;
}
