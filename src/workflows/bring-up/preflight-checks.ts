import type { PreflightProblem, PreflightReport } from '../../activities/types';

/**
 * The judge of preflight: the activity reports facts and its host's own problems; everything
 * that compares hosts or the orchestrator's view, the clock included, is decided here only.
 */

/**
 * The one clock offset limit: beyond it etcd's peer prober warns of clock drift (> 1 s) and
 * certificates minted on one host are not yet valid on another.
 */
export const MAX_CLOCK_OFFSET_MS = 1_000;

/** The judge's clock check; `ignore` also accepts the activity's old name for it. */
const CLOCK_CHECK = 'clock-offset';
/** Clock problems the activity used to report itself; the judge's `clock-offset` replaces them. */
const ACTIVITY_CLOCK_CHECK = 'clockoffset';

/**
 * Replay only: bring-ups started before the one limit judged clocks at 100 ms (inclusive) and
 * left a host with the activity's own clock problem to the activity.
 */
export const CLOCK_LIMIT_PATCH = 'clock-offset-limit';
const LEGACY_CLOCK_LIMIT_MS = 100;

export interface JudgeOptions {
  /** Judge clocks as bring-ups from before CLOCK_LIMIT_PATCH did. */
  legacyClock?: boolean;
}

/** Whether these reports could be judged differently by the legacy clock rule (only then is the patch consulted). */
export function clockJudgementChanged(reports: PreflightReport[]): boolean {
  return reports.some((r) => Math.abs(r.facts.clockOffsetMs) >= LEGACY_CLOCK_LIMIT_MS || r.problems.some((p) => p.check.toLowerCase() === ACTIVITY_CLOCK_CHECK));
}

function clockProblems(reports: PreflightReport[], legacy: boolean): HostProblem[] {
  const limit = legacy ? LEGACY_CLOCK_LIMIT_MS : MAX_CLOCK_OFFSET_MS;
  return reports
    .filter((r) =>
      legacy
        ? Math.abs(r.facts.clockOffsetMs) >= limit && !r.problems.some((p) => /clock/i.test(p.check))
        : Math.abs(r.facts.clockOffsetMs) > limit,
    )
    .map((r) => ({
      host: r.host,
      check: CLOCK_CHECK,
      message: `clock is ${Math.round(r.facts.clockOffsetMs)} ms off the orchestrator's (limit ${limit} ms); sync it with NTP (chrony/systemd-timesyncd)`,
    }));
}

export interface HostProblem extends PreflightProblem {
  host: string;
}

function duplicates(reports: PreflightReport[], check: string, label: string, valuesOf: (r: PreflightReport) => string[]): HostProblem[] {
  const owners = new Map<string, string[]>();
  for (const report of reports) {
    for (const value of new Set(valuesOf(report).filter((v) => v !== ''))) {
      owners.set(value, [...(owners.get(value) ?? []), report.host]);
    }
  }
  const problems: HostProblem[] = [];
  for (const [value, hosts] of owners) {
    if (hosts.length < 2) continue;
    for (const host of hosts) {
      const others = hosts.filter((h) => h !== host).join(', ');
      problems.push({ host, check, message: `${label} ${value} is also used by ${others}; every node needs its own` });
    }
  }
  return problems;
}

/** Problems only visible across hosts (duplicate identities) plus the clock offset limit. */
export function crossHostProblems(reports: PreflightReport[], options: JudgeOptions = {}): HostProblem[] {
  const clock = clockProblems(reports, options.legacyClock ?? false);
  return [
    ...duplicates(reports, 'unique-hostname', 'hostname', (r) => [r.facts.hostname]),
    ...duplicates(reports, 'unique-mac', 'MAC address', (r) => r.facts.macAddresses),
    ...duplicates(reports, 'unique-product-uuid', 'product_uuid', (r) => [r.facts.productUuid]),
    ...clock,
  ];
}

/** All problems of all hosts, minus the checks the spec ignores (case-insensitive, `all` ignores every check as kubeadm does). */
export function preflightProblems(reports: PreflightReport[], unreachable: HostProblem[], ignore: string[], options: JudgeOptions = {}): HostProblem[] {
  const legacy = options.legacyClock ?? false;
  const ignored = new Set(ignore.map((i) => i.toLowerCase()));
  if (!legacy && ignored.has(ACTIVITY_CLOCK_CHECK)) ignored.add(CLOCK_CHECK);
  const perHost = reports.flatMap((r) =>
    r.problems.filter((p) => legacy || p.check.toLowerCase() !== ACTIVITY_CLOCK_CHECK).map((p) => ({ host: r.host, ...p })),
  );
  const all = [...unreachable, ...perHost, ...crossHostProblems(reports, options)];
  return all.filter((p) => p.check === 'reachable' || !(ignored.has('all') || ignored.has(p.check.toLowerCase())));
}

export function formatProblems(problems: HostProblem[]): string {
  const lines = problems.map((p) => `  ${p.host}: [${p.check}] ${p.message}`);
  const hosts = new Set(problems.map((p) => p.host)).size;
  return `${problems.length} problem(s) on ${hosts} host(s):\n${lines.join('\n')}`;
}
