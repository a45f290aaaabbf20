import { setTimeout as sleep } from 'node:timers/promises';
import type { BringUpProgress, BringUpResult } from '../shared/messages';
import { withDeadline } from './deadline';
import { OperationError } from './errors';
import type { KubehaClient } from './kubeha-client';
import { renderFrame } from './live/frame';
import { bringUpView } from './live/live-view';
import { liveTerminal, type LiveTerminal } from './live/terminal';
import { decisionLines, progressChanges, resultSummary } from './render-progress';
import { OutagePatience } from './server-outage';

export interface FollowOptions {
  out: NodeJS.WritableStream;
  intervalMs?: number;
  /** The bring-up's operation in the cluster workflow: its end is read from the cluster's record. */
  operationId?: string;
  /** The caller's live terminal on `out`, when it prints lines of its own meanwhile (through its log()). */
  live?: LiveTerminal;
}

/** Pauses `ms`, or less when `wake` resolves first (true then); the timer never outlives it. */
async function pauseUnless(ms: number, wake: Promise<true>): Promise<boolean> {
  const stop = new AbortController();
  try {
    return await Promise.race([sleep(ms, false, { signal: stop.signal }), wake]);
  } finally {
    stop.abort();
  }
}

/** Resolves when `yes`, never otherwise: a wake-up that cannot tell never wakes. */
const onlyWhenTrue = (yes: boolean): Promise<true> => (yes ? Promise.resolve(true) : new Promise<never>(() => undefined));

/** After the bring-up closed, how often and how long its end is looked for in the cluster's record. */
const CLOSE_RECORDED_CHECK_MS = 100;
const CLOSE_RECORDED_TRIES = 50;

/** Once the bring-up has ended, how long its own answer with its last progress is waited for before it is queried. */
const FINAL_PROGRESS_WAIT_MS = 5_000;

/**
 * How often a bring-up of `hosts` hosts is read: every second up to 100 hosts, then 10 ms more
 * per host up to 5 s. Each read is a query the worker answers with every host's entry in every
 * step (about 250 KB at 505 hosts), encrypted; a bring-up that size lasts minutes.
 */
export function followIntervalMs(hosts: number): number {
  return Math.min(5_000, Math.max(1_000, hosts * 10));
}

/**
 * Shows the bring-up until it ends: on a terminal a live view redrawn in place, elsewhere a line
 * per step or host that changed. Resolves with the result on success; a failure, rejection or
 * cancellation throws OperationError (exit 1).
 */
export async function followBringUp(kubeha: KubehaClient, cluster: string, options: FollowOptions): Promise<BringUpResult> {
  const live = options.live ?? liveTerminal(options.out);
  let previous: BringUpProgress | undefined;
  // The workflow answers this as it ends, with its last progress: reading that from a query of
  // the closed workflow would make a worker replay its whole history (seconds at hundreds of hosts).
  let final: BringUpProgress | undefined;
  const answered = kubeha.finalProgress(cluster).then(
    (p) => {
      final = p;
      return true as const;
    },
    () => false as const,
  );
  const show = async (): Promise<void> => {
    const next = final ?? (await withDeadline(kubeha.progress(cluster), 10_000).catch(() => undefined));
    if (!next) return;
    if (live) {
      for (const line of decisionLines(previous, next)) live.log(line);
      const view = bringUpView(next);
      live.show((size) => renderFrame(view, Date.now(), size));
    } else {
      for (const line of progressChanges(previous, next)) options.out.write(`${line}\n`);
    }
    previous = next;
  };
  const workers = await kubeha.hasWorkers().catch(() => true);
  if (!workers) {
    options.out.write(`no kubeha worker is polling task queue ${kubeha.taskQueue}: the bring-up waits until one does (start it with: kubeha worker)\n`);
  }
  const patience = new OutagePatience({ say: (line) => (live ? live.log(line) : options.out.write(`${line}\n`)), hint: `kubeha status ${cluster}` });
  const ended = async (): Promise<boolean> => {
    if (options.operationId) return (await kubeha.operation(cluster, options.operationId))?.state === 'ended';
    return (await kubeha.status(cluster)) !== 'RUNNING';
  };
  // Wakes the pause below when the bring-up closes or answers finalProgress, so `kubeha up` ends
  // with it rather than up to an interval (5 s at 500 hosts) later; never settles when neither can be read.
  const closed = Promise.race([kubeha.closed(cluster).then(onlyWhenTrue), answered.then(onlyWhenTrue)]);
  try {
    // The end is read before the progress, so an ended bring-up is queried at most once, and not
    // at all when it answered finalProgress.
    for (;;) {
      const done = await patience.read(ended);
      if (done) await pauseUnless(FINAL_PROGRESS_WAIT_MS, answered.then(() => true));
      await show();
      if (done) break;
      const woken = await pauseUnless(options.intervalMs ?? followIntervalMs(previous?.hosts.length ?? 0), closed);
      // Closed: the cluster's record says so a workflow task later; until then the progress is not read again.
      for (let tries = 0; woken && tries < CLOSE_RECORDED_TRIES && !(await patience.read(ended)); tries++) await sleep(CLOSE_RECORDED_CHECK_MS);
    }
  } finally {
    live?.stop();
  }
  const result = await patience.read(() => kubeha.result(cluster));
  if (result.outcome === 'rejected') throw new OperationError(resultSummary(result), `change what was wrong and run kubeha up again`);
  options.out.write(`${resultSummary(result)}\n`);
  return result;
}
