import { sleep } from '@temporalio/workflow';
import { controlPlanes, firstControlPlane, workers } from '../../../spec/hosts';
import { hostInput } from '../../bring-up/hosts';
import type { UpgradePhase } from '../context';
import { UpgradeStepFailed } from '../failures';
import { onHost } from '../rolling';
import { unfinishedUpgrade } from '../skew';

const POLL_MS = 2_000;

/** 8. `/version` through the endpoint and every node Ready at the new version. */
export const verifyUpgrade: UpgradePhase = {
  describe({ spec, to }) {
    return { id: 'verify-upgrade', title: `Check /version through the endpoint and every node report ${to}`, hosts: [firstControlPlane(spec)], mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const first = ctx.firstControlPlane;
    const names = [...controlPlanes(ctx.spec), ...workers(ctx.spec)].map((h) => h.name);
    const deadline = Date.now() + ctx.tuning.nodeReadyTimeoutMs;
    await onHost(ctx, self, first, async () => {
      for (;;) {
        const facts = await ctx.acts.upgradeFacts.executeWithOptions({ summary: `versions seen from ${first.name}` }, [hostInput(ctx, first)]);
        for (const node of facts.nodes) ctx.progress.setVersion(node.name, node.version);
        const problems = unfinishedUpgrade(facts, ctx.to, names);
        if (problems.length === 0) return;
        if (Date.now() + POLL_MS > deadline) throw new UpgradeStepFailed(self.id, first.name, `the cluster is not at ${ctx.to}: ${problems.join('; ')}`);
        await sleep(POLL_MS, { summary: 'wait for the nodes to report the new version' });
      }
    });
  },
};
