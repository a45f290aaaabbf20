/**
 * Workflow interceptors, bundled with the workflow code (src/worker/bundle-options.ts): every
 * kubeha workflow issues at most COMMANDS_PER_WORKFLOW_TASK activities and child workflows per
 * workflow task. Temporal takes one task's commands as one message (4 MiB at most) and lets a
 * workflow have 2,000 activities pending: a fan-out over hundreds of hosts, or the joins that
 * hundreds of preflight results unblock at once, goes out in batches, one per workflow task.
 */
import {
  CancellationScope,
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

/** Counts the commands issued in the current workflow task; past the budget, later ones wait for the next task. */
class CommandBudget implements WorkflowOutboundCallsInterceptor {
  private task = -1;
  private issued = 0;
  private nextTask: Promise<void> | undefined;

  /**
   * Undefined when the command may go now: it is then issued synchronously, exactly as without
   * this interceptor, so runs that never pass the budget (every run recorded before the patch)
   * replay unchanged. Otherwise a promise that resolves in a later task with a slot taken.
   */
  private take(): Promise<void> | undefined {
    // History grows with every workflow task, so its length tells one task's activations from the next's.
    const { historyLength } = workflowInfo();
    if (historyLength !== this.task) {
      this.task = historyLength;
      this.issued = 0;
      this.nextTask = undefined;
    }
    if (this.issued < COMMANDS_PER_WORKFLOW_TASK || !patched(BOUNDED_FAN_OUT_PATCH)) {
      this.issued++;
      return undefined;
    }
    // One 1 ms timer for every waiting command, never cancelled by one caller's scope: it ends this task.
    this.nextTask ??= CancellationScope.nonCancellable(() => sleep(1));
    return this.nextTask.then(() => this.take());
  }

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    const wait = this.take();
    return wait ? wait.then(() => next(input)) : next(input);
  }

  startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    const wait = this.take();
    return wait ? wait.then(() => next(input)) : next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ outbound: [new CommandBudget()] });
