import type { BringUpProgress, BringUpResult } from '../shared/messages';
import { withDeadline } from './deadline';
import { OperationError } from './errors';
import type { KubehaClient } from './kubeha-client';
import { progressChanges, resultSummary } from './render-progress';
import { OutagePatience } from './server-outage';

export interface FollowOptions {
  out: NodeJS.WritableStream;
  intervalMs?: number;
  /** The bring-up's operation in the cluster workflow: its end is read from the cluster's record. */
  operationId?: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Prints progress lines as steps and hosts change until the bring-up ends. Resolves with the
 * result on success; a failure, rejection or cancellation throws OperationError (exit 1).
 */
export async function followBringUp(kubeha: KubehaClient, cluster: string, options: FollowOptions): Promise<BringUpResult> {
  let previous: BringUpProgress | undefined;
  const show = async (): Promise<void> => {
    const next = await withDeadline(kubeha.progress(cluster), 10_000).catch(() => undefined);
    if (!next) return;
    for (const line of progressChanges(previous, next)) options.out.write(`${line}\n`);
    previous = next;
  };
  const workers = await kubeha.hasWorkers().catch(() => true);
  if (!workers) {
    options.out.write(`no kubeha worker is polling task queue ${kubeha.taskQueue}: the bring-up waits until one does (start it with: kubeha worker)\n`);
  }
  const patience = new OutagePatience({ out: options.out, hint: `kubeha status ${cluster}` });
  const ended = async (): Promise<boolean> => {
    if (options.operationId) return (await kubeha.operation(cluster, options.operationId))?.state === 'ended';
    return (await kubeha.status(cluster)) !== 'RUNNING';
  };
  for (;;) {
    await show();
    if (await patience.read(ended)) break;
    await pause(options.intervalMs ?? 1_000);
  }
  await show();
  const result = await patience.read(() => kubeha.result(cluster));
  if (result.outcome === 'rejected') throw new OperationError(resultSummary(result), `change what was wrong and run kubeha up again`);
  options.out.write(`${resultSummary(result)}\n`);
  return result;
}
