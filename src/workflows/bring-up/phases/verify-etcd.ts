import type { BringUpContext, Phase } from '../context';
import { etcdProblems, etcdTable } from '../etcd-checks';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput, hostsWithRole } from '../hosts';

/** 8. One started, non-learner member per control plane, all healthy, one leader, one term. */
export const verifyEtcd: Phase = {
  id: 'verify-etcd',
  title: 'Verify etcd members',
  async run(ctx: BringUpContext) {
    const host = ctx.firstControlPlane;
    const expected = ctx.spec.etcd.topology === 'external' ? ctx.spec.etcd.endpoints.length : hostsWithRole(ctx.spec, 'control-plane').length;
    const [outcome] = await forEachHost(ctx, 'verify-etcd', [host], (h) =>
      ctx.acts.verifyEtcd.executeWithOptions({ summary: `etcd members and endpoints from ${h.name}` }, [hostInput(ctx, h)]),
    );
    if (!outcome || !outcome.ok) throw new StepFailed('verify-etcd', host.name, outcome && !outcome.ok ? outcome.error : 'no result');
    ctx.etcd = outcome.value;
    ctx.progress.etcdMembers = outcome.value.members;
    const problems = etcdProblems(outcome.value, expected);
    if (problems.length > 0) {
      throw new StepFailed('verify-etcd', host.name, `etcd is not healthy: ${problems.join('; ')}\n${etcdTable(outcome.value)}`);
    }
  },
};
