import type { PreflightProblem, PreflightReport } from '../../activities/types';

export const MAX_CLOCK_OFFSET_MS = 100;

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
export function crossHostProblems(reports: PreflightReport[], maxClockOffsetMs = MAX_CLOCK_OFFSET_MS): HostProblem[] {
  const clock = reports
    .filter((r) => Math.abs(r.facts.clockOffsetMs) >= maxClockOffsetMs)
    .filter((r) => !r.problems.some((p) => /clock/i.test(p.check)))
    .map((r) => ({
      host: r.host,
      check: 'clock-offset',
      message: `clock is ${Math.round(r.facts.clockOffsetMs)} ms off the orchestrator's (limit ${maxClockOffsetMs} ms); sync it with NTP (chrony/systemd-timesyncd)`,
    }));
  return [
    ...duplicates(reports, 'unique-hostname', 'hostname', (r) => [r.facts.hostname]),
    ...duplicates(reports, 'unique-mac', 'MAC address', (r) => r.facts.macAddresses),
    ...duplicates(reports, 'unique-product-uuid', 'product_uuid', (r) => [r.facts.productUuid]),
    ...clock,
  ];
}

/** All problems of all hosts, minus the checks the spec ignores (case-insensitive, `all` ignores every check as kubeadm does). */
export function preflightProblems(reports: PreflightReport[], unreachable: HostProblem[], ignore: string[]): HostProblem[] {
  const ignored = new Set(ignore.map((i) => i.toLowerCase()));
  const perHost = reports.flatMap((r) => r.problems.map((p) => ({ host: r.host, ...p })));
  const all = [...unreachable, ...perHost, ...crossHostProblems(reports)];
  return all.filter((p) => p.check === 'reachable' || !(ignored.has('all') || ignored.has(p.check.toLowerCase())));
}

export function formatProblems(problems: HostProblem[]): string {
  const lines = problems.map((p) => `  ${p.host}: [${p.check}] ${p.message}`);
  const hosts = new Set(problems.map((p) => p.host)).size;
  return `${problems.length} problem(s) on ${hosts} host(s):\n${lines.join('\n')}`;
}
