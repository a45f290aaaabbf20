import { controlPlanes } from '../../../spec/hosts';
import { untilWhole } from '../cluster-view';
import type { DrillPhase } from '../context';
import { DrillStepFailed } from '../failures';

/** 3. After the drill: every API server and the endpoint answer /readyz, etcd has every member started, healthy and a leader. */
export const verifyDrill: DrillPhase = {
  describe({ spec }) {
    const cps = controlPlanes(spec);
    return { id: 'verify-drill', title: 'Check every API server, the endpoint and etcd are whole again', hosts: cps.slice(0, 1), mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const from = self.hosts[0];
    if (!from) return;
    ctx.progress.hostStarted(self.id, from.name);
    const whole = await untilWhole(ctx, from, controlPlanes(ctx.spec), true, ctx.tuning.restoreTimeoutMs);
    if (!whole.ok) {
      ctx.progress.hostEnded(self.id, from.name, 'failed', whole.problems.join('; '));
      throw new DrillStepFailed(self.id, from.name, `the cluster is not whole after the drill: ${whole.problems.join('; ')}`);
    }
    ctx.progress.hostEnded(self.id, from.name, 'succeeded');
  },
};
