import { patched, sleep } from '@temporalio/workflow';
import { controlPlanes, firstControlPlane } from '../../../spec/hosts';
import type { BringUpPhase } from '../context';
import { etcdProblems, etcdTable, expectedEtcdMembers } from '../etcd-checks';
import { StepFailed } from '../failures';
import { forEachHost, onlyHost } from '../fan-out';
import { hostInput } from '../hosts';

const POLL_MS = 5_000;
/** Polling instead of failing on the first unhealthy look; histories from before never slept here. */
export const ETCD_POLL_PATCH = 'verify-etcd-polls';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * 8. One started, non-learner member per control plane, all healthy, one leader, one term —
 * judged by etcd-checks, polled until `etcdHealthyTimeoutMs` (a member that just joined takes a moment).
 */
export const verifyEtcd: BringUpPhase = {
  describe(spec) {
    const first = firstControlPlane(spec);
    return {
      id: 'verify-etcd',
      title:
        spec.etcd.topology === 'external'
          ? 'Check the external etcd endpoints are healthy'
          : `Check etcd has ${count(controlPlanes(spec).length, 'healthy started member')} and a leader`,
      hosts: [first],
      mode: { kind: 'serial' },
    };
  },
  async run(ctx, self) {
    const host = onlyHost(self);
    const expected = expectedEtcdMembers(ctx.spec);
    const deadline = Date.now() + ctx.tuning.etcdHealthyTimeoutMs;
    const [outcome] = await forEachHost(ctx, self, async (h) => {
      for (let round = 1; ; round++) {
        const report = await ctx.acts.verifyEtcd.executeWithOptions({ summary: `etcd members and endpoints from ${h.name}` }, [hostInput(ctx, h)]);
        const problems = etcdProblems(report, expected);
        if (problems.length === 0 || Date.now() + POLL_MS > deadline || !patched(ETCD_POLL_PATCH)) return { report, problems };
        ctx.progress.hostRetrying(self.id, h.name, `etcd is not healthy yet: ${problems.join('; ')} (check ${round})`);
        await sleep(POLL_MS, { summary: 'wait for etcd to settle' });
      }
    });
    if (!outcome || !outcome.ok) throw new StepFailed(self.id, host.name, outcome && !outcome.ok ? outcome.error : 'no result');
    const { report, problems } = outcome.value;
    ctx.etcd = report;
    ctx.progress.etcdMembers = report.members;
    if (problems.length > 0) throw new StepFailed(self.id, host.name, `etcd is not healthy: ${problems.join('; ')}\n${etcdTable(report)}`);
  },
};
