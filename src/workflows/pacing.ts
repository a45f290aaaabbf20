import { patched, sleep } from '@temporalio/workflow';

/**
 * Temporal takes one workflow task's commands as one message (4 MiB at most) and a workflow may
 * have 2,000 activities pending: a fan-out over hundreds of hosts starts them in batches of this
 * many, one batch per workflow task.
 */
export const STARTS_PER_WORKFLOW_TASK = 100;
export const BOUNDED_FAN_OUT_PATCH = 'bounded-fan-out';

/** Whether the `index`th start of a fan-out opens a new batch (runs started before the patch keep one batch). */
function opensBatch(index: number): boolean {
  return index > 0 && index % STARTS_PER_WORKFLOW_TASK === 0 && patched(BOUNDED_FAN_OUT_PATCH);
}

/**
 * Calls `start` for every item: the first batch at once, in order and without yielding (so a
 * small fan-out issues its commands exactly as before), each further batch after a 1 ms timer,
 * which ends the workflow task and sends the previous batch's commands.
 */
export function startPaced<T, R>(items: readonly T[], start: (item: T, index: number) => Promise<R>): Promise<R>[] {
  let batch: Promise<void> | undefined;
  return items.map((item, index) => {
    if (opensBatch(index)) batch = (batch ?? Promise.resolve()).then(() => sleep(1));
    return batch ? batch.then(() => start(item, index)) : start(item, index);
  });
}
