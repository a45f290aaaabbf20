import { isCancellation } from '@temporalio/workflow';
import { concurrencyOf } from '../../plan/operation';
import type { HostSpec } from '../../spec/types';
import { mapWithConcurrency } from '../bring-up/concurrency';
import { describeFailure } from '../bring-up/failures';
import type { UpgradeContext, UpgradeStep } from './context';
import { RolloutAborted, UpgradeStepFailed } from './failures';

/**
 * Takes the step's hosts as its mode allows (serial, or `maxUnavailable` at once). Before each
 * host is a safe point (pause holds, abort stops). The first failure stops the rollout: hosts in
 * flight finish their own sequence, no new host starts, and the failure is thrown.
 */
export async function rollHosts(ctx: UpgradeContext, self: UpgradeStep, fn: (host: HostSpec) => Promise<void>): Promise<void> {
  let failed: UpgradeStepFailed | undefined;
  let aborted: RolloutAborted | undefined;
  await mapWithConcurrency(self.hosts, concurrencyOf(self), async (host) => {
    if (failed || aborted) return;
    try {
      await ctx.controls.safePoint(host.name);
    } catch (err) {
      if (err instanceof RolloutAborted) aborted ??= err;
      else throw err;
      return;
    }
    if (failed || aborted) return;
    ctx.progress.hostStarted(self.id, host.name);
    try {
      await fn(host);
      ctx.progress.hostEnded(self.id, host.name, 'succeeded');
    } catch (err) {
      if (isCancellation(err)) throw err;
      const detail = describeFailure(err);
      ctx.progress.hostEnded(self.id, host.name, 'failed', detail);
      ctx.progress.setStage(host.name, 'failed', detail);
      failed ??= new UpgradeStepFailed(self.id, host.name, detail);
    }
  });
  if (failed) throw failed;
  if (aborted) throw aborted;
}

/** A single-host step's activity call, failing the step with the host named. */
export async function onHost<R>(ctx: UpgradeContext, self: UpgradeStep, host: HostSpec, fn: () => Promise<R>): Promise<R> {
  ctx.progress.hostStarted(self.id, host.name);
  try {
    const value = await fn();
    ctx.progress.hostEnded(self.id, host.name, 'succeeded');
    return value;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const detail = err instanceof UpgradeStepFailed ? err.detail : describeFailure(err);
    ctx.progress.hostEnded(self.id, host.name, 'failed', detail);
    throw err instanceof UpgradeStepFailed ? err : new UpgradeStepFailed(self.id, host.name, detail);
  }
}
