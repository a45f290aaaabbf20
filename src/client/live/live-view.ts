import type { BringUpProgress, HostProgress, PendingApproval, StepStatus } from '../../shared/messages';
import type { OperationRecord } from '../../shared/operations';

/**
 * What the terminal's live view shows of any operation: the bring-up and every lifecycle
 * operation share this shape (steps with per-host progress, pending gates, a failure).
 */
export interface LiveStep {
  id: string;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  hosts: HostProgress[];
}

export interface LiveView {
  /** `bring-up of prod-a`, `upgrade op-3 of prod-a`. */
  title: string;
  cluster: string;
  /** The step running now, or how it ended; `queued` while the operation waits its turn. */
  phase: string;
  steps: LiveStep[];
  /** Roles by host name, when the progress knows them (the bring-up does). */
  roles?: Record<string, string>;
  pendingApprovals: (Omit<PendingApproval, 'gate'> & { gate: string })[];
  failure?: { step: string; host?: string; message: string };
  /** Lines the operation adds about itself (paused, abort asked for). */
  notes?: string[];
}

export function bringUpView(progress: BringUpProgress): LiveView {
  return {
    title: `bring-up of ${progress.cluster}`,
    cluster: progress.cluster,
    phase: progress.phase,
    steps: progress.steps,
    roles: Object.fromEntries(progress.hosts.map((h) => [h.name, h.role])),
    pendingApprovals: progress.pendingApprovals,
    ...(progress.failure ? { failure: progress.failure } : {}),
  };
}

/** What the live view reads of an operation's progress query (each operation answers with its own superset). */
export interface OperationProgressLike {
  phase?: string;
  steps?: LiveStep[];
  pendingApprovals?: { gate: string; since: string; timesOutAt?: string }[];
  plan?: string;
  paused?: { by: string; since: string; reason?: string };
  abortRequested?: { by: string; at: string };
  failure?: { step: string; host?: string; message: string };
}

export function operationView(cluster: string, op: OperationRecord, progress: OperationProgressLike | undefined): LiveView {
  const notes: string[] = [];
  if (progress?.paused) notes.push(`paused by ${progress.paused.by} since ${progress.paused.since}${progress.paused.reason ? `: ${progress.paused.reason}` : ''} (kubeha upgrade resume ${cluster})`);
  if (progress?.abortRequested) notes.push(`abort asked for by ${progress.abortRequested.by}: it stops at the next safe point`);
  return {
    title: `${op.kind} ${op.id} of ${cluster}`,
    cluster,
    phase: op.state === 'running' ? (progress?.phase ?? 'starting') : op.state === 'queued' ? 'queued' : (op.outcome ?? 'ended'),
    steps: progress?.steps ?? [],
    pendingApprovals: progress?.pendingApprovals ?? [],
    ...(progress?.failure ? { failure: progress.failure } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

/** One host as the view shows it: its latest step that began, a failure winning. */
export interface LiveHost extends HostProgress {
  step: string;
  role?: string;
}

export function liveHosts(view: LiveView): LiveHost[] {
  const byName = new Map<string, LiveHost>();
  const order: string[] = [];
  for (const step of view.steps) {
    for (const host of step.hosts) {
      const known = byName.get(host.host);
      if (!known) order.push(host.host);
      if (known?.status === 'failed') continue;
      // A host waiting its turn in a step that has begun is pending there, not done with its last one.
      if (known && host.status === 'pending' && (step.status === 'pending' || step.status === 'skipped')) continue;
      byName.set(host.host, { ...host, step: step.id, ...(view.roles?.[host.host] ? { role: view.roles[host.host] } : {}) });
    }
  }
  const named = view.roles ? Object.keys(view.roles) : [];
  return [...named.filter((n) => byName.has(n)), ...order.filter((n) => !view.roles?.[n])].map((n) => byName.get(n) as LiveHost);
}
