import { controlPlanes } from '../../../spec/hosts';
import { hostInput } from '../../bring-up/hosts';
import { untilWhole } from '../cluster-view';
import type { DrillPhase } from '../context';
import { DrillStepFailed } from '../failures';
import { drillManifests } from '../judge';

/** 1. Put back anything an earlier drill left parked, then every API server, the endpoint and etcd must be whole before one is stopped. */
export const checkCluster: DrillPhase = {
  describe({ spec }) {
    return { id: 'check-cluster', title: 'Restore what an earlier drill left stopped; check every API server, the endpoint and etcd', hosts: controlPlanes(spec), mode: { kind: 'serial' } };
  },
  async run(ctx, self) {
    const manifests = drillManifests(ctx.spec);
    for (const host of self.hosts) {
      ctx.progress.hostStarted(self.id, host.name);
      const { restored } = await ctx.acts.restoreManifests.executeWithOptions({ summary: `put back manifests an earlier drill parked on ${host.name}` }, [{ ...hostInput(ctx, host), manifests }]);
      ctx.progress.hostEnded(self.id, host.name, 'succeeded', restored.length ? `an earlier drill left ${restored.join(', ')} parked: put back` : undefined);
    }
    const from = self.hosts[0];
    if (!from) throw new DrillStepFailed(self.id, undefined, 'the cluster has no control plane');
    const whole = await untilWhole(ctx, from, self.hosts, true, ctx.tuning.restoreTimeoutMs);
    if (!whole.ok) throw new DrillStepFailed(self.id, from.name, `the cluster is not whole before the drill, nothing was stopped: ${whole.problems.join('; ')}`);
  },
};
