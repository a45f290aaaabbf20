import type { BringUpProgress, BringUpResult, HostProgress, PendingApproval, StepProgress } from '../shared/messages';

/** Text for the CLI: what changed between two progress snapshots, the status table, the approval commands. */

function hostLine(step: StepProgress, host: HostProgress): string {
  const attempts = host.attempts > 1 ? ` (attempt ${host.attempts})` : '';
  const error = host.status === 'failed' && host.lastError ? `: ${host.lastError}` : '';
  return `  ${host.host}: ${step.id} ${host.status}${attempts}${error}`;
}

function timesOut(pending: PendingApproval): string {
  return pending.timesOutAt ? ` (the bring-up fails at ${pending.timesOutAt} unless someone decides)` : '';
}

export function approvalCommands(cluster: string, gate: string): string[] {
  return [`  approve: kubeha approve ${cluster} ${gate} [--comment "..."]`, `  reject:  kubeha reject ${cluster} ${gate} --reason "..."`];
}

/** A line for each gate decided since `previous`: who, and why. */
export function decisionLines(previous: BringUpProgress | undefined, next: BringUpProgress): string[] {
  return next.approvals.slice(previous?.approvals.length ?? 0).map((decision) => {
    const why = decision.decision === 'approved' ? (decision.comment ? ` (${decision.comment})` : '') : `: ${decision.reason}`;
    return `gate ${decision.gate} ${decision.decision} by ${decision.by}${why}`;
  });
}

/** Lines for every step or host whose status (or attempts) changed since `previous`. */
export function progressChanges(previous: BringUpProgress | undefined, next: BringUpProgress): string[] {
  const lines = decisionLines(previous, next);
  for (const step of next.steps) {
    const before = previous?.steps.find((s) => s.id === step.id);
    if (step.status === 'pending' || (step.status === 'skipped' && !before)) {
      if (step.status === 'skipped' && previous) lines.push(`${step.title}: skipped`);
      continue;
    }
    if (before?.status !== step.status) lines.push(`${step.title}: ${step.status}`);
    // By name, not a search per host: at 500 hosts a poll would compare 250,000 pairs per step.
    const earlier = new Map(before?.hosts.map((h) => [h.host, h]));
    for (const host of step.hosts) {
      const was = earlier.get(host.host);
      if (host.status === 'pending') continue;
      if (was?.status !== host.status || (was?.attempts ?? 0) < host.attempts) lines.push(hostLine(step, host));
    }
  }
  for (const pending of next.pendingApprovals) {
    if (previous?.pendingApprovals.some((p) => p.gate === pending.gate)) continue;
    lines.push(`waiting for approval of gate ${pending.gate}${timesOut(pending)}:`, ...approvalCommands(next.cluster, pending.gate));
  }
  if (next.failure && !previous?.failure) {
    lines.push(`FAILED at ${next.failure.step}${next.failure.host ? ` on ${next.failure.host}` : ''}: ${next.failure.message}`);
  }
  return lines;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

export function statusText(progress: BringUpProgress, workflowStatus: string): string {
  const lines = [`cluster ${progress.cluster}: ${progress.phase} (workflow ${workflowStatus.toLowerCase()})`];
  if (progress.failure) {
    lines.push(`failed at ${progress.failure.step}${progress.failure.host ? ` on ${progress.failure.host}` : ''}: ${progress.failure.message}`);
  }
  for (const p of progress.pendingApprovals) lines.push(`waiting for approval of gate ${p.gate} since ${p.since}${timesOut(p)}:`, ...approvalCommands(progress.cluster, p.gate));
  lines.push('', ...table([['HOST', 'ROLE', 'STATE', 'STEP'], ...progress.hosts.map((h) => [h.name, h.role, h.state, h.step ?? '-'])]));
  if (progress.etcdMembers?.length) {
    lines.push('', ...table([['ETCD MEMBER', 'ID', 'STARTED', 'LEARNER', 'PEER URLS'], ...progress.etcdMembers.map((m) => [m.name || '(unstarted)', m.id, String(m.started), String(m.isLearner), m.peerURLs.join(',')])]));
  }
  return lines.join('\n');
}

/** The JSON `kubeha status --json` prints: phase, hosts (name, role, state) and etcd members, plus the full progress. */
export function statusJson(progress: BringUpProgress, workflowStatus: string): object {
  return {
    cluster: progress.cluster,
    workflowStatus,
    phase: progress.phase,
    hosts: progress.hosts.map((h) => ({ name: h.name, role: h.role, state: h.state })),
    etcdMembers: progress.etcdMembers ?? [],
    pendingApprovals: progress.pendingApprovals,
    failure: progress.failure ?? null,
    progress,
  };
}

export function resultSummary(result: BringUpResult): string {
  if (result.outcome === 'rejected') return `bring-up rejected at gate ${result.gate} by ${result.by}: ${result.reason}`;
  const r = result.report;
  const ok = r.hosts.filter((h) => h.state === 'succeeded').length;
  const failed = r.failedWorkers.length ? `; workers that failed to join: ${r.failedWorkers.join(', ')}` : '';
  return `cluster ${r.cluster} is up: ${ok}/${r.hosts.length} hosts, ${r.etcdMembers.length} etcd members, Kubernetes ${r.kubernetesVersion}${failed}`;
}
