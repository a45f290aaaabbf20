import type { PreflightReport } from '../../../activities/types';
import { hostInput } from '../../bring-up/hosts';
import { formatProblems, preflightProblems } from '../../bring-up/preflight-checks';
import { isReplace, type RejoinContext, type RejoinPhase } from '../context';
import { RejoinStepFailed } from '../failures';
import { onHost } from '../on-host';

/** The activity's check that the machine's hostname is the node's name. */
const HOSTNAME_CHECK = 'hostname';

/**
 * A replacement machine has its own hostname, and the node keeps its name (kubeadm registers it as
 * nodeRegistration.name, the kubelet with --hostname-override): not a problem there, but said.
 */
function forReplacement(ctx: RejoinContext, report: PreflightReport): PreflightReport {
  const hostname = report.problems.filter((p) => p.check.toLowerCase() === HOSTNAME_CHECK);
  if (!isReplace(ctx) || hostname.length === 0) return report;
  ctx.notes.push(`the new host's hostname is ${report.facts.hostname}: it registers as node ${ctx.node.name} (kubeadm's nodeRegistration.name)`);
  return { ...report, problems: report.problems.filter((p) => !hostname.includes(p)) };
}

/** 5. The bring-up's preflight on the node's host (fixing swap, modules and sysctls when the spec asks): a fresh OS needs it;
 * its package versions are checked against the version the cluster runs now (the record's). */
export const preflightHost: RejoinPhase = {
  describe: ({ spec, node }) => ({ id: 'preflight-host', title: `Preflight ${node.name}${spec.preflight.fix ? ' (fixing what can be fixed)' : ''}`, hosts: [node], mode: { kind: 'serial' } }),
  async run(ctx, self) {
    const { node, spec } = ctx;
    await onHost(ctx, self, node, async () => {
      const report = await ctx.acts.preflight.executeWithOptions({ summary: `preflight ${node.name}` }, [{ ...hostInput(ctx, node), fix: spec.preflight.fix }]);
      const problems = preflightProblems([forReplacement(ctx, report)], [], spec.preflight.ignore);
      if (problems.length) throw new RejoinStepFailed(self.id, node.name, formatProblems(problems));
    });
  },
};
