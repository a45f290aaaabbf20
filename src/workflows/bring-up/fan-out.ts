import { ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { concurrencyOf } from '../../plan/operation';
import type { HostSpec } from '../../spec/types';
import type { BringUpContext, BringUpStep } from './context';
import { mapWithConcurrency } from './concurrency';
import { describeFailure } from './failures';

export type HostOutcome<R> = { host: HostSpec; ok: true; value: R } | { host: HostSpec; ok: false; error: string; cause: unknown };

/**
 * Runs `fn` for each of the step's hosts, as many at once as its mode allows, recording each
 * host's start, end and error in the step's progress. Never throws for a host.
 */
export async function forEachHost<R>(
  ctx: BringUpContext,
  self: BringUpStep,
  fn: (host: HostSpec) => Promise<R>,
  options: { attempts?: (value: R) => number | undefined; failedAttempts?: (err: unknown) => number | undefined } = {},
): Promise<HostOutcome<R>[]> {
  const step = self.id;
  for (const host of self.hosts) ctx.progress.host(step, host.name);
  return mapWithConcurrency(self.hosts, concurrencyOf(self), async (host) => {
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

/** The only host of a single-host step. */
export function onlyHost(self: BringUpStep): HostSpec {
  const [host] = self.hosts;
  if (!host || self.hosts.length !== 1) throw ApplicationFailure.nonRetryable(`step ${self.id} acts on one host, not ${self.hosts.length}`, 'InternalError');
  return host;
}
