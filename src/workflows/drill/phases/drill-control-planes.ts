import { isCancellation } from '@temporalio/workflow';
import { controlPlanes } from '../../../spec/hosts';
import { describeFailure } from '../../bring-up/failures';
import type { DrillPhase } from '../context';
import { drillHost } from '../host-drill';
import { drillManifests } from '../judge';

/** 2. One control plane at a time: stopped, judged, restored and back before the next; the first failed verdict skips the rest. */
export const drillControlPlanes: DrillPhase = {
  describe({ spec, maxOutageMs }) {
    const what = drillManifests(spec).map((m) => m.replace(/\.yaml$/, '')).join(' and ');
    return {
      id: 'drill-control-planes',
      title: `Stop each control plane's ${what} in turn (the endpoint may be out at most ${maxOutageMs} ms), restore it`,
      hosts: controlPlanes(spec),
      mode: { kind: 'serial' },
    };
  },
  async run(ctx, self) {
    for (const host of self.hosts) {
      const row = ctx.progress.row(host.name);
      if (ctx.verdictFailure) {
        row.verdict = 'skipped';
        ctx.progress.hostEnded(self.id, host.name, 'skipped', `not drilled: ${ctx.verdictFailure.host} failed`);
        continue;
      }
      ctx.progress.hostStarted(self.id, host.name);
      row.verdict = 'running';
      ctx.refresh();
      let verdict: 'passed' | 'failed';
      try {
        verdict = await drillHost(ctx, host);
      } catch (err) {
        if (!isCancellation(err)) ctx.progress.hostEnded(self.id, host.name, 'failed', describeFailure(err));
        throw err;
      }
      ctx.progress.hostEnded(self.id, host.name, verdict === 'passed' ? 'succeeded' : 'failed', row.problems.join('; ') || undefined);
      ctx.refresh();
    }
  },
};
