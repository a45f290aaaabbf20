/**
 * Workflow interceptors, bundled with the workflow code (src/worker/bundle-options.ts): every
 * kubeha workflow issues at most COMMANDS_PER_WORKFLOW_TASK activities and child workflows per
 * workflow task. Temporal takes one task's commands as one message (4 MiB at most) and lets a
 * workflow have 2,000 activities pending: a fan-out over hundreds of hosts, or the joins that
 * hundreds of preflight results unblock at once, goes out in batches, one per workflow task.
 */
import {
  CancellationScope,
  condition,
  patched,
  sleep,
  workflowInfo,
  type ActivityInput,
  type Next,
  type StartChildWorkflowExecutionInput,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

export const COMMANDS_PER_WORKFLOW_TASK = 100;
export const BOUNDED_FAN_OUT_PATCH = 'bounded-fan-out';
/**
 * Commands past the budget go out in the next workflow task whatever started it, highest task-queue
 * priority first; before it they waited, in arrival order, for the budget's own 1 ms timer (which a
 * loaded server fired up to a minute late, with init queued behind 400 preflights).
 */
export const FAN_OUT_BY_PRIORITY_PATCH = 'fan-out-by-priority';

/** Temporal's default priority key: a command without one is dispatched as this. */
const DEFAULT_PRIORITY_KEY = 3;

interface Waiting {
  priorityKey: number;
  release: () => void;
}

/** Counts the commands issued in the current workflow task; past the budget, later ones wait for the next task. */
class CommandBudget implements WorkflowOutboundCallsInterceptor {
  private task = -1;
  private issued = 0;
  private nextTask: Promise<void> | undefined;
  /** In arrival order within a priority: sort is stable, and later arrivals are pushed behind. */
  private readonly waiting: Waiting[] = [];
  private wake: Promise<void> | undefined;

  /** History grows with every workflow task, so its length tells one task's activations from the next's. */
  private rollOver(): void {
    const { historyLength } = workflowInfo();
    if (historyLength !== this.task) {
      this.task = historyLength;
      this.issued = 0;
      this.nextTask = undefined;
    }
  }

  /**
   * Undefined when the command may go now: it is then issued synchronously, exactly as without
   * this interceptor, so runs that never pass the budget (every run recorded before the patch)
   * replay unchanged. Otherwise a promise that resolves in a later task with a slot taken.
   */
  private take(priorityKey: number): Promise<void> | undefined {
    this.rollOver();
    if ((this.issued < COMMANDS_PER_WORKFLOW_TASK && this.waiting.length === 0) || !patched(BOUNDED_FAN_OUT_PATCH)) {
      this.issued++;
      return undefined;
    }
    if (patched(FAN_OUT_BY_PRIORITY_PATCH)) return this.queue(priorityKey);
    // One 1 ms timer for every waiting command, never cancelled by one caller's scope: it ends this task.
    this.nextTask ??= CancellationScope.nonCancellable(() => sleep(1));
    return this.nextTask.then(() => this.take(priorityKey));
  }

  private queue(priorityKey: number): Promise<void> {
    const released = new Promise<void>((release) => this.waiting.push({ priorityKey, release }));
    this.wakeInNextTask();
    return released;
  }

  /**
   * Drains the queue at the next workflow task: the first activation whose history has grown (an
   * activity's completion, a child's, a signal), or a 1 ms timer's when nothing else comes.
   */
  private wakeInNextTask(): void {
    if (this.wake) return;
    const queuedIn = workflowInfo().historyLength;
    this.wake = CancellationScope.nonCancellable(async () => {
      const timer = new CancellationScope();
      const fired = timer.run(() => sleep(1)).catch(() => undefined);
      await Promise.race([fired, condition(() => workflowInfo().historyLength !== queuedIn)]);
      timer.cancel();
    }).then(() => {
      this.wake = undefined;
      this.drain();
    });
  }

  private drain(): void {
    this.rollOver();
    this.waiting.sort((a, b) => a.priorityKey - b.priorityKey);
    while (this.waiting.length > 0 && this.issued < COMMANDS_PER_WORKFLOW_TASK) {
      this.issued++;
      this.waiting.shift()?.release();
    }
    if (this.waiting.length > 0) this.wakeInNextTask();
  }

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    const wait = this.take(input.options.priority?.priorityKey ?? DEFAULT_PRIORITY_KEY);
    return wait ? wait.then(() => next(input)) : next(input);
  }

  startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    const wait = this.take(input.options.priority?.priorityKey ?? DEFAULT_PRIORITY_KEY);
    return wait ? wait.then(() => next(input)) : next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ outbound: [new CommandBudget()] });
