import { controlPlanes, firstControlPlane, workers } from '../../../spec/hosts';
import { hostInput } from '../../bring-up/hosts';
import type { UpgradePhase } from '../context';
import { UpgradeStepFailed } from '../failures';
import { onHost } from '../rolling';
import { clusterVersionProblems } from '../skew';

const nodeNames = (spec: Parameters<typeof controlPlanes>[0]) => [...controlPlanes(spec), ...workers(spec)].map((h) => h.name);

/** 1. What the cluster runs now (API servers, every kubelet), judged against the target before anything changes. */
export const checkVersions: UpgradePhase = {
  describe({ spec, to }) {
    return { id: 'check-versions', title: `Check the cluster's versions allow ${spec.kubernetesVersion} -> ${to}`, hosts: [firstControlPlane(spec)], mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const first = ctx.firstControlPlane;
    const facts = await onHost(ctx, self, first, async () => {
      const f = await ctx.acts.upgradeFacts.executeWithOptions({ summary: `versions seen from ${first.name}` }, [hostInput(ctx, first)]);
      const problems = clusterVersionProblems(f, ctx.to, nodeNames(ctx.spec));
      if (problems.length) throw new UpgradeStepFailed(self.id, first.name, `the cluster cannot be upgraded to ${ctx.to}: ${problems.join('; ')}`);
      return f;
    });
    for (const node of facts.nodes) ctx.progress.setVersion(node.name, node.version);
    ctx.alreadyApplied = facts.localVersion === ctx.to;
  },
};
