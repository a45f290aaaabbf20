import { isCancellation } from '@temporalio/workflow';
import type { StepId } from '../../shared/messages';
import type { HostSpec } from '../../spec/types';
import type { BringUpContext } from './context';
import { mapWithConcurrency } from './concurrency';
import { describeFailure } from './failures';

export type HostOutcome<R> = { host: HostSpec; ok: true; value: R } | { host: HostSpec; ok: false; error: string; cause: unknown };

/** Runs `fn` per host (bounded), recording each host's start, end and error in the step's progress. Never throws for a host. */
export async function forEachHost<R>(
  ctx: BringUpContext,
  step: StepId,
  hosts: HostSpec[],
  fn: (host: HostSpec) => Promise<R>,
  options: { concurrency?: number; attempts?: (value: R) => number | undefined; failedAttempts?: (err: unknown) => number | undefined } = {},
): Promise<HostOutcome<R>[]> {
  for (const host of hosts) ctx.progress.host(step, host.name);
  return mapWithConcurrency(hosts, options.concurrency ?? hosts.length, async (host) => {
    ctx.progress.hostStarted(step, host.name);
    try {
      const value = await fn(host);
      ctx.progress.hostEnded(step, host.name, 'succeeded', options.attempts?.(value));
      return { host, ok: true as const, value };
    } catch (cause) {
      if (isCancellation(cause)) throw cause;
      const error = describeFailure(cause);
      ctx.progress.hostEnded(step, host.name, 'failed', options.failedAttempts?.(cause), error);
      return { host, ok: false as const, error, cause };
    }
  });
}
