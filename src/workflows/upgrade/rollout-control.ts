import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { RolloutControl } from '../../shared/operations';
import { RolloutAborted } from './failures';
import type { UpgradeProgressTracker } from './progress';

const MAX_TEXT = 2_000;

/** Pause, resume and abort: requests are recorded at once, and take effect at `safePoint()` (between hosts). */
export class RolloutControls {
  constructor(
    private readonly progress: UpgradeProgressTracker,
    private readonly now: () => string,
    /** Called when the rollout holds or goes on, to refresh details and the phase attribute. */
    private readonly changed: () => void,
  ) {}

  /** Synchronous: an update validator must throw before any work starts. */
  validate(kind: 'pause' | 'resume' | 'abort', input: Partial<RolloutControl> | undefined): void {
    if (typeof input?.by !== 'string' || input.by.trim() === '' || input.by.length > 256) {
      throw ApplicationFailure.nonRetryable(`a ${kind} needs \`by\` (who asks), at most 256 characters`, 'InvalidRolloutControl');
    }
    if (input.reason !== undefined && (typeof input.reason !== 'string' || input.reason.length > MAX_TEXT)) {
      throw ApplicationFailure.nonRetryable(`\`reason\` must be text of at most ${MAX_TEXT} characters`, 'InvalidRolloutControl');
    }
    const ended = ['done', 'failed', 'rejected', 'aborted'].includes(this.progress.phase);
    if (ended) throw ApplicationFailure.nonRetryable(`the upgrade has already ended (${this.progress.phase})`, 'UpgradeEnded');
    if (kind === 'resume' && !this.progress.paused) throw ApplicationFailure.nonRetryable('the upgrade is not paused', 'NotPaused');
  }

  pause(input: RolloutControl): string {
    if (!this.progress.paused) this.progress.paused = { ...pick(input), since: this.now() };
    this.changed();
    return `paused by ${this.progress.paused.by}: the rollout holds before the next host`;
  }

  resume(input: RolloutControl): string {
    this.progress.paused = undefined;
    this.changed();
    return `resumed by ${input.by}`;
  }

  abort(input: RolloutControl): string {
    this.progress.abortRequested ??= { ...pick(input), at: this.now() };
    this.changed();
    return `abort requested by ${this.progress.abortRequested.by}: the rollout stops before the next host`;
  }

  /** For the abort signal, which has no validator: an invalid one is ignored. */
  tryAbort(input: RolloutControl): void {
    try {
      this.validate('abort', input);
    } catch {
      return;
    }
    this.abort(input);
  }

  /**
   * Waits for `wait` (a gate) unless an abort comes first: then throws RolloutAborted, since
   * waiting changed nothing. (Promise.race handles a later rejection of `wait`.)
   */
  async unlessAborted<T>(before: string, wait: Promise<T>): Promise<T> {
    const first = await Promise.race([wait.then((value) => ({ value })), condition(() => this.progress.abortRequested !== undefined).then(() => undefined)]);
    if (first) return first.value;
    throw this.aborted(before);
  }

  private aborted(before: string): RolloutAborted {
    const abort = this.progress.abortRequested;
    return new RolloutAborted({ by: abort?.by ?? 'unknown', ...(abort?.reason ? { reason: abort.reason } : {}) }, before);
  }

  /** Between hosts: throws RolloutAborted when an abort was asked, holds while paused. */
  async safePoint(before: string): Promise<void> {
    for (;;) {
      if (this.progress.abortRequested) throw this.aborted(before);
      if (!this.progress.paused) return;
      const phase = this.progress.phase;
      this.progress.phase = 'paused';
      this.changed();
      await condition(() => !this.progress.paused || this.progress.abortRequested !== undefined);
      this.progress.phase = phase;
      this.changed();
    }
  }
}

function pick(input: RolloutControl): RolloutControl {
  return { by: input.by, ...(input.reason ? { reason: input.reason } : {}) };
}
