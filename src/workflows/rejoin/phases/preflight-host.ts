import { hostInput } from '../../bring-up/hosts';
import { formatProblems, preflightProblems } from '../../bring-up/preflight-checks';
import type { RejoinPhase } from '../context';
import { RejoinStepFailed } from '../failures';
import { onHost } from '../on-host';

/** 5. The bring-up's preflight on the node's host (fixing swap, modules and sysctls when the spec asks): a fresh OS needs it;
 * its package versions are checked against the version the cluster runs now (the record's). */
export const preflightHost: RejoinPhase = {
  describe: ({ spec, node }) => ({ id: 'preflight-host', title: `Preflight ${node.name}${spec.preflight.fix ? ' (fixing what can be fixed)' : ''}`, hosts: [node], mode: { kind: 'serial' } }),
  async run(ctx, self) {
    const { node, spec } = ctx;
    await onHost(ctx, self, node, async () => {
      const report = await ctx.acts.preflight.executeWithOptions({ summary: `preflight ${node.name}` }, [{ ...hostInput(ctx, node), fix: spec.preflight.fix }]);
      const problems = preflightProblems([report], [], spec.preflight.ignore);
      if (problems.length) throw new RejoinStepFailed(self.id, node.name, formatProblems(problems));
    });
  },
};
