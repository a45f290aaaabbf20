import { patched } from '@temporalio/workflow';
import type { PreflightReport } from '../../../activities/types';
import { firstControlPlane } from '../../../spec/hosts';
import type { ClusterSpec, HostSpec } from '../../../spec/types';
import type { BringUpContext, BringUpPhase, BringUpStep } from '../context';
import { limiter } from '../concurrency';
import { StepFailed } from '../failures';
import { forEachHost, type HostOutcome } from '../fan-out';
import { hostInput } from '../hosts';
import { OFF_CRITICAL_PATH } from '../priority';
import { CLOCK_LIMIT_PATCH, clockJudgementChanged, formatProblems, preflightProblems, type HostProblem } from '../preflight-checks';

function checkHosts(ctx: BringUpContext, self: BringUpStep, hosts: HostSpec[], options: { offCriticalPath?: boolean } = {}): Promise<HostOutcome<PreflightReport>[]> {
  const first = firstControlPlane(ctx.spec);
  return forEachHost(ctx, { ...self, hosts }, (host) =>
    ctx.acts.preflight.executeWithOptions({ summary: `preflight ${host.name}`, ...(options.offCriticalPath ? { priority: OFF_CRITICAL_PATH } : {}) }, [
      { ...hostInput(ctx, host), fix: ctx.spec.preflight.fix, ...(host.name === first.name ? { initPrerequisites: true } : {}) },
    ]),
  );
}

/** Reports of the reachable hosts (their kubelet versions noted), and the unreachable ones as problems. */
function sortOutcomes(ctx: BringUpContext, outcomes: HostOutcome<PreflightReport>[]): { reports: PreflightReport[]; unreachable: HostProblem[] } {
  const reports: PreflightReport[] = [];
  const unreachable: HostProblem[] = [];
  for (const outcome of outcomes) {
    if (outcome.ok) {
      reports.push(outcome.value);
      if (outcome.value.facts.kubeletVersion) ctx.versions.set(outcome.host.name, outcome.value.facts.kubeletVersion);
    } else {
      unreachable.push({ host: outcome.host.name, check: 'reachable', message: outcome.error });
    }
  }
  return { reports, unreachable };
}

function markFailed(ctx: BringUpContext, self: BringUpStep, problems: HostProblem[]): void {
  for (const problem of problems) {
    const entry = ctx.progress.host(self.id, problem.host);
    entry.status = 'failed';
    entry.lastError ??= `[${problem.check}] ${problem.message}`;
  }
}

const specIndex = (ctx: BringUpContext, host: string) => ctx.spec.hosts.findIndex((h) => h.name === host);

/**
 * Bring-ups started before it began the joining hosts' preflight as soon as the first control
 * plane's passed, beside the load balancer's configuration and probe; now it starts with init.
 */
export const PREFLIGHT_AT_INIT_PATCH = 'preflight-beside-init';

/**
 * Bring-ups started before it ran every joining host's preflight at once: at 5+200 they held all
 * of the worker's activity slots for 40 s, and the CNI's activity waited 20 s for one.
 */
export const BOUNDED_LATE_PREFLIGHT_PATCH = 'bounded-late-preflight';

/**
 * How many joining hosts are checked at once: twice the workers joining at once (the joins take
 * hosts in the order they are checked, each far longer than a check), at least 10.
 */
export function latePreflightLimit(spec: ClusterSpec): number {
  return Math.max(10, 2 * spec.workers.maxConcurrentJoins);
}

/** The hosts init needs checked first (the first control plane, the load balancers); the joining hosts' checks overlap init. */
function isJoining(ctx: BringUpContext, host: HostSpec): boolean {
  return host.name !== ctx.firstControlPlane.name && (host.role === 'control-plane' || host.role === 'worker');
}

/**
 * Preflight of the joining hosts, started after the others passed, or with `held` once init
 * starts (`atInit`), `limit` hosts at a time in the order given: each host is judged when its
 * report arrives, against every report in by then, and `ctx.preflightOf(host)` resolves with
 * that host's problems. The promise returned ends, once all are in, with the judgement of all
 * hosts together: the same problems, and message, as preflight of every host at once.
 */
function startLatePreflight(ctx: BringUpContext, self: BringUpStep, late: HostSpec[], seen: PreflightReport[], held?: { atInit: Promise<void>; limit?: number }): Promise<HostProblem[]> {
  const judged = new Map<string, Promise<HostProblem[]>>();
  const unreachable: HostProblem[] = [];
  const inTurn = held?.limit ? limiter(held.limit) : <T>(work: () => Promise<T>) => work();
  for (const host of late) {
    const check = () => checkHosts(ctx, self, [host], { offCriticalPath: true });
    const problems = (held ? held.atInit.then(() => inTurn(check)) : check()).then((outcomes) => {
      const sorted = sortOutcomes(ctx, outcomes);
      seen.push(...sorted.reports);
      unreachable.push(...sorted.unreachable);
      const found = preflightProblems(seen, sorted.unreachable, ctx.spec.preflight.ignore).filter((p) => p.host === host.name);
      markFailed(ctx, self, found);
      return found;
    });
    judged.set(host.name, problems);
  }
  ctx.preflightOf = (name) => judged.get(name) ?? Promise.resolve([]);
  const inSpecOrder = <T extends { host: string }>(items: T[]) => [...items].sort((a, b) => specIndex(ctx, a.host) - specIndex(ctx, b.host));
  return Promise.all(judged.values()).then(() => {
    const all = preflightProblems(inSpecOrder(seen), inSpecOrder(unreachable), ctx.spec.preflight.ignore);
    markFailed(ctx, self, all);
    return all;
  });
}

/**
 * 1. Every host checked in parallel (on the first control plane, what the user must have placed
 * for kubeadm init); all problems of all hosts reported together. With `ctx.overlapPreflight`
 * only the hosts init needs are awaited; the joining hosts' checks go on beside init and end in
 * `ctx.latePreflight`.
 */
export const preflight: BringUpPhase = {
  describe: (spec) => ({
    id: 'preflight',
    title: `Preflight checks${spec.preflight.fix ? ' (fixing what can be fixed)' : ''}`,
    hosts: [...spec.hosts],
    mode: { kind: 'parallel' },
  }),
  async run(ctx, self) {
    const overlap = ctx.overlapPreflight === true;
    const now = overlap ? self.hosts.filter((h) => !isJoining(ctx, h)) : self.hosts;
    const { reports, unreachable } = sortOutcomes(ctx, await checkHosts(ctx, self, now));
    const legacyClock = !overlap && clockJudgementChanged(reports) && !patched(CLOCK_LIMIT_PATCH);
    const problems = preflightProblems(reports, unreachable, ctx.spec.preflight.ignore, { legacyClock });
    markFailed(ctx, self, problems);
    if (problems.length > 0) throw new StepFailed(self.id, undefined, formatProblems(problems));
    if (!overlap) return;
    const joining = self.hosts.filter((h) => isJoining(ctx, h));
    if (!patched(PREFLIGHT_AT_INIT_PATCH)) {
      ctx.latePreflight = startLatePreflight(ctx, self, joining, reports);
      return;
    }
    // Held until init starts: the load balancer's probe and init then never queue behind them.
    const atInit = new Promise<void>((release) => (ctx.releaseLatePreflight = release));
    if (!patched(BOUNDED_LATE_PREFLIGHT_PATCH)) {
      ctx.latePreflight = startLatePreflight(ctx, self, joining, reports, { atInit });
      return;
    }
    // A few at a time, the control planes first: the steps after init find the worker's activity slots free.
    const controlPlanesFirst = [...joining.filter((h) => h.role === 'control-plane'), ...joining.filter((h) => h.role !== 'control-plane')];
    ctx.latePreflight = startLatePreflight(ctx, self, controlPlanesFirst, reports, { atInit, limit: latePreflightLimit(ctx.spec) });
  },
};

/** The bring-up's failure for problems the joining hosts' preflight found: the message preflight gives today. */
export function latePreflightFailed(problems: HostProblem[]): StepFailed {
  return new StepFailed('preflight', undefined, formatProblems(problems));
}
