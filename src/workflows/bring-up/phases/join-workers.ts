import type { BringUpContext, Phase } from '../context';
import { reportedAttempts } from '../failures';
import { forEachHost } from '../fan-out';
import { hostsWithRole } from '../hosts';
import { runJoin } from '../run-join';

/** 9. Workers join in parallel, at most `maxConcurrentJoins` at a time; a worker that keeps failing is reported, not fatal. */
export const joinWorkers: Phase = {
  id: 'join-workers',
  title: 'Join the workers',
  shouldRun: (ctx) => hostsWithRole(ctx.spec, 'worker').length > 0,
  async run(ctx: BringUpContext) {
    const keeper = ctx.credentials;
    keeper?.start('joinToken');
    await forEachHost(ctx, 'join-workers', hostsWithRole(ctx.spec, 'worker'), (host) => runJoin(ctx, 'join-workers', host, 'worker'), {
      concurrency: ctx.spec.workers.maxConcurrentJoins,
      attempts: (r) => r.attempts,
      failedAttempts: reportedAttempts,
    });
    await keeper?.stop('joinToken');
  },
};
