import { isCancellation } from '@temporalio/workflow';
import type { HostSpec } from '../../spec/types';
import { describeFailure } from '../bring-up/failures';
import type { RejoinContext, RejoinStep } from './context';
import { RejoinStepFailed } from './failures';

/** One host's part of a step, failing the step with the host named. */
export async function onHost<R>(ctx: RejoinContext, self: RejoinStep, host: HostSpec, fn: () => Promise<R>): Promise<R> {
  ctx.progress.hostStarted(self.id, host.name);
  try {
    const value = await fn();
    ctx.progress.hostEnded(self.id, host.name, 'succeeded');
    return value;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const detail = err instanceof RejoinStepFailed ? err.detail : describeFailure(err);
    ctx.progress.hostEnded(self.id, host.name, 'failed', detail);
    throw err instanceof RejoinStepFailed ? err : new RejoinStepFailed(self.id, host.name, detail);
  }
}

/** The step did nothing on purpose (e.g. nothing to drain): shown as skipped with why. */
export function skipped(ctx: RejoinContext, self: RejoinStep, host: HostSpec, why: string): void {
  ctx.progress.hostEnded(self.id, host.name, 'skipped', why);
  ctx.progress.setStepStatus(self.id, 'skipped');
}
