/** What one bring-up's workflow tree says: the unmodelled step durations, history sizes, attempts. */
import type { ActivityRun, OverheadFigures, WorkflowHistory } from './history-metrics';
import { activityRuns, joinAttempts, overheadFigures, runMs } from './history-metrics';
import type { MeasuredSteps } from './critical-path';
import { percentile } from './stats';

export const BRING_UP_TYPE = 'bringUpCluster';
export const JOIN_TYPE = 'joinHost';

export interface HistorySize {
  workflowId: string;
  events: number;
  bytes: number;
}

export interface BringUpFigures {
  measured: MeasuredSteps;
  /** How the first control plane's preflight was found: by its decoded summary, or the median preflight when summaries could not be read. */
  preflightFrom: 'summary' | 'median';
  /** First scheduled -> last ended of each activity type (bring-up and its join children), relative to the bring-up's start (ms). */
  spans: Record<string, { count: number; fromMs: number; toMs: number }>;
  overhead: OverheadFigures;
  histories: { workflows: number; events: number; bytes: number; cluster?: HistorySize; bringUp?: HistorySize; largestChild?: HistorySize };
  controlPlaneJoinAttempts: Record<string, number>;
  workflowSpanMs?: number;
  /** Wall-clock (epoch ms) of the bring-up workflow's first and last event. */
  bringUpStartedAt?: number;
  bringUpEndedAt?: number;
}

const size = (h: WorkflowHistory): HistorySize => ({ workflowId: h.workflowId, events: h.events.length, bytes: h.bytes });

function lastCompleted(runs: ActivityRun[], type: string): number {
  const done = runs.filter((r) => r.activityType === type && runMs(r) !== undefined);
  const last = done[done.length - 1];
  return last ? (runMs(last) as number) : 0;
}

/** Every run of the join child of host `name`. */
const joinsOf = (tree: readonly WorkflowHistory[], name: string): WorkflowHistory[] =>
  tree.filter((h) => h.workflowType === JOIN_TYPE && h.workflowId.endsWith(`-join-${name}`));

/** The first `joinNode` start to the last end over the join children of `hosts`; undefined when one has not completed. */
function joinsAsRun(tree: readonly WorkflowHistory[], hosts: readonly string[]): number | undefined {
  if (hosts.length === 0) return undefined;
  const joins = hosts.map((name) =>
    joinsOf(tree, name)
      .flatMap((h) => activityRuns(h.events))
      .filter((r) => r.activityType === 'joinNode' && r.outcome === 'completed' && r.startedMs !== undefined && r.endedMs !== undefined),
  );
  if (joins.some((runs) => runs.length === 0)) return undefined;
  const all = joins.flat();
  return Math.max(...all.map((r) => r.endedMs as number)) - Math.min(...all.map((r) => r.startedMs as number));
}

/** `hostNames` of the control planes (in spec order, the first one first); `clusterWorkflowId` is the tree's root. */
export function bringUpFigures(tree: readonly WorkflowHistory[], clusterWorkflowId: string, controlPlaneNames: readonly string[]): BringUpFigures {
  const bringUp = tree.find((h) => h.workflowType === BRING_UP_TYPE);
  const runs = bringUp ? activityRuns(bringUp.events) : [];
  const first = controlPlaneNames[0] ?? '';
  const preflights = runs.filter((r) => r.activityType === 'preflight');
  const mine = preflights.find((r) => r.summary === `preflight ${first}`);
  const preflightMs = mine ? (runMs(mine) ?? 0) : (percentile(preflights.map((r) => runMs(r) ?? 0), 50) ?? 0);
  const lbConfigure = Math.max(0, ...runs.filter((r) => r.activityType === 'configureLoadBalancer' || r.activityType === 'installKubeVip').map((r) => runMs(r) ?? 0));
  const controlPlaneJoinsMs = joinsAsRun(tree, controlPlaneNames.slice(1));
  const measured: MeasuredSteps = {
    preflightFirstControlPlaneMs: preflightMs,
    loadBalancerMs: lbConfigure + lastCompleted(runs, 'probeLoadBalancer'),
    verifyMs: lastCompleted(runs, 'verifyCluster'),
    ...(controlPlaneJoinsMs === undefined ? {} : { controlPlaneJoinsMs }),
  };
  const startMs = bringUp?.events[0]?.timeMs ?? 0;
  const spans: BringUpFigures['spans'] = {};
  const treeRuns = tree.filter((h) => h.workflowId !== clusterWorkflowId).flatMap((h) => activityRuns(h.events));
  for (const r of treeRuns.sort((a, b) => a.scheduledMs - b.scheduledMs)) {
    const span = (spans[r.activityType] ??= { count: 0, fromMs: r.scheduledMs - startMs, toMs: 0 });
    span.count++;
    span.fromMs = Math.min(span.fromMs, r.scheduledMs - startMs);
    span.toMs = Math.max(span.toMs, (r.endedMs ?? r.scheduledMs) - startMs);
  }
  const children = tree.filter((h) => h.workflowId !== clusterWorkflowId && h.workflowType !== BRING_UP_TYPE);
  const largest = children.reduce<WorkflowHistory | undefined>((a, b) => (!a || b.bytes > a.bytes ? b : a), undefined);
  const cluster = tree.find((h) => h.workflowId === clusterWorkflowId);
  const controlPlaneJoinAttempts: Record<string, number> = {};
  for (const name of controlPlaneNames.slice(1)) controlPlaneJoinAttempts[name] = joinAttempts(joinsOf(tree, name));
  const last = bringUp?.events[bringUp.events.length - 1];
  return {
    measured,
    preflightFrom: mine ? 'summary' : 'median',
    spans,
    overhead: overheadFigures(tree),
    histories: {
      workflows: tree.length,
      events: tree.reduce((n, h) => n + h.events.length, 0),
      bytes: tree.reduce((n, h) => n + h.bytes, 0),
      ...(cluster ? { cluster: size(cluster) } : {}),
      ...(bringUp ? { bringUp: size(bringUp) } : {}),
      ...(largest ? { largestChild: size(largest) } : {}),
    },
    controlPlaneJoinAttempts,
    ...(bringUp && last && last.type === 'WorkflowExecutionCompleted' ? { workflowSpanMs: last.timeMs - startMs, bringUpStartedAt: startMs, bringUpEndedAt: last.timeMs } : {}),
  };
}
