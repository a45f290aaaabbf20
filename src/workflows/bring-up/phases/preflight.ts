import { patched } from '@temporalio/workflow';
import type { PreflightReport } from '../../../activities/types';
import { firstControlPlane } from '../../../spec/hosts';
import type { BringUpPhase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';
import { CLOCK_LIMIT_PATCH, clockJudgementChanged, formatProblems, preflightProblems, type HostProblem } from '../preflight-checks';

/** 1. Every host checked in parallel (on the first control plane, what the user must have placed for kubeadm init); all problems of all hosts reported together. */
export const preflight: BringUpPhase = {
  describe: (spec) => ({
    id: 'preflight',
    title: `Preflight checks${spec.preflight.fix ? ' (fixing what can be fixed)' : ''}`,
    hosts: [...spec.hosts],
    mode: { kind: 'parallel' },
  }),
  async run(ctx, self) {
    const first = firstControlPlane(ctx.spec);
    const outcomes = await forEachHost(ctx, self, (host) =>
      ctx.acts.preflight.executeWithOptions({ summary: `preflight ${host.name}` }, [
        { ...hostInput(ctx, host), fix: ctx.spec.preflight.fix, ...(host.name === first.name ? { initPrerequisites: true } : {}) },
      ]),
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
    const legacyClock = clockJudgementChanged(reports) && !patched(CLOCK_LIMIT_PATCH);
    const problems = preflightProblems(reports, unreachable, ctx.spec.preflight.ignore, { legacyClock });
    for (const problem of problems) {
      const entry = ctx.progress.host(self.id, problem.host);
      entry.status = 'failed';
      entry.lastError ??= `[${problem.check}] ${problem.message}`;
    }
    if (problems.length > 0) throw new StepFailed(self.id, undefined, formatProblems(problems));
  },
};
