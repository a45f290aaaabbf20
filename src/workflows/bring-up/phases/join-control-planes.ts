import type { BringUpContext, Phase } from '../context';
import { StepFailed, reportedAttempts } from '../failures';
import { forEachHost } from '../fan-out';
import { hostsWithRole } from '../hosts';
import { runJoin } from '../run-join';

/** 6 and 7. The other control planes join (parallel, or serial when asked and always for external etcd) while the credentials are kept fresh. */
export const joinControlPlanes: Phase = {
  id: 'join-control-planes',
  title: 'Join the other control planes',
  shouldRun: (ctx) => hostsWithRole(ctx.spec, 'control-plane').length > 1,
  async run(ctx: BringUpContext) {
    const keeper = ctx.credentials;
    const hosts = hostsWithRole(ctx.spec, 'control-plane').filter((h) => h.name !== ctx.firstControlPlane.name);
    const serial = ctx.spec.controlPlaneJoins === 'serial' || ctx.spec.etcd.topology === 'external';
    keeper?.start('certificateKey');
    keeper?.start('joinToken');
    const outcomes = await forEachHost(ctx, 'join-control-planes', hosts, (host) => runJoin(ctx, 'join-control-planes', host, 'control-plane'), {
      concurrency: serial ? 1 : hosts.length,
      attempts: (r) => r.attempts,
      failedAttempts: reportedAttempts,
    });
    await keeper?.stop('certificateKey');
    if (hostsWithRole(ctx.spec, 'worker').length === 0) await keeper?.stop('joinToken');
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) {
      const first = failed[0];
      const rest = failed.slice(1).map((f) => f.host.name);
      throw new StepFailed(
        'join-control-planes',
        first?.host.name,
        `${first && !first.ok ? first.error : ''}${rest.length ? ` (also failed: ${rest.join(', ')})` : ''}`,
      );
    }
  },
};
