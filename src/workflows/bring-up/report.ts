import type { BringUpReport, HostReport, StepTiming } from '../../shared/messages';
import type { BringUpContext } from './context';

function durationMs(startedAt?: string, endedAt?: string): number | undefined {
  if (!startedAt || !endedAt) return undefined;
  return Date.parse(endedAt) - Date.parse(startedAt);
}

/** Per host: role, state, version, how long its steps took, attempts and last error. */
export function buildReport(ctx: BringUpContext, startedAt: string, endedAt: string): BringUpReport {
  const summaries = ctx.progress.hostSummaries();
  const hosts: HostReport[] = summaries.map((summary) => {
    const entries = ctx.progress.steps.flatMap((s) => s.hosts.filter((h) => h.host === summary.name).map((h) => ({ step: s.id, ...h })));
    const main = entries.find((e) => e.step === summary.step) ?? entries[entries.length - 1];
    const starts = entries.map((e) => e.startedAt).filter((t): t is string => !!t).sort();
    const ends = entries.map((e) => e.endedAt).filter((t): t is string => !!t).sort();
    return {
      name: summary.name,
      role: summary.role,
      state: summary.state,
      version: ctx.versions.get(summary.name),
      durationMs: durationMs(starts[0], ends[ends.length - 1]),
      attempts: main?.attempts ?? 0,
      ...(main?.lastError ? { lastError: main.lastError } : {}),
    };
  });
  const timings: StepTiming[] = ctx.progress.steps.map((s) => ({ step: s.id, status: s.status, durationMs: durationMs(s.startedAt, s.endedAt) }));
  return {
    cluster: ctx.spec.name,
    kubernetesVersion: ctx.spec.kubernetesVersion,
    startedAt,
    endedAt,
    hosts,
    etcdMembers: ctx.etcd?.members ?? [],
    timings,
    failedWorkers: ctx.progress.failedHosts('join-workers'),
    renewals: { ...ctx.progress.renewals },
    approvals: [...ctx.progress.approvals],
  };
}
