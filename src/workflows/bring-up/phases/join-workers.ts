import { workers } from '../../../spec/hosts';
import type { BringUpPhase } from '../context';
import { reportedAttempts } from '../failures';
import { forEachHost } from '../fan-out';
import { runJoin } from '../run-join';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** 9. Workers join in parallel, at most `maxConcurrentJoins` at a time; a worker that keeps failing is reported, not fatal. */
export const joinWorkers: BringUpPhase = {
  describe(spec) {
    const hosts = workers(spec);
    if (hosts.length === 0) return undefined;
    const limit = Math.min(spec.workers.maxConcurrentJoins, hosts.length);
    return {
      id: 'join-workers',
      title: `Join ${count(hosts.length, 'worker')}, at most ${limit} at a time (a worker that keeps failing is reported, not fatal)`,
      hosts,
      mode: limit === 1 ? { kind: 'serial' } : { kind: 'parallel', limit },
    };
  },
  async run(ctx, self) {
    const keeper = ctx.credentials;
    keeper?.start('joinToken');
    await forEachHost(ctx, self, (host) => runJoin(ctx, self.id, host, 'worker'), {
      attempts: (r) => r.attempts,
      failedAttempts: reportedAttempts,
    });
    // Beside the control planes' joins, their end is not the token's: the runner stops it after both.
    if (!ctx.joinsOverlap) await keeper?.stop('joinToken');
  },
};
