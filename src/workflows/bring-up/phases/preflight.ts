import type { PreflightReport } from '../../../activities/types';
import type { BringUpContext, Phase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';
import { formatProblems, preflightProblems, type HostProblem } from '../preflight-checks';

/** 1. Every host checked in parallel; all problems of all hosts reported together. */
export const preflight: Phase = {
  id: 'preflight',
  title: 'Preflight checks',
  async run(ctx: BringUpContext) {
    const outcomes = await forEachHost(ctx, 'preflight', ctx.spec.hosts, (host) =>
      ctx.acts.preflight.executeWithOptions({ summary: `preflight ${host.name}` }, [{ ...hostInput(ctx, host), fix: ctx.spec.preflight.fix }]),
    );
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
    const problems = preflightProblems(reports, unreachable, ctx.spec.preflight.ignore);
    for (const problem of problems) {
      const entry = ctx.progress.host('preflight', problem.host);
      entry.status = 'failed';
      entry.lastError ??= `[${problem.check}] ${problem.message}`;
    }
    if (problems.length > 0) throw new StepFailed('preflight', undefined, formatProblems(problems));
  },
};
