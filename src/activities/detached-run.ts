/** Starts or attaches to a detached kubeadm run on a host and follows it to its end. */
import { detachedStart, detachedState, LOG_MARKER } from '../remote/detached';
import type { Quoted } from '../ssh/quote';
import type { RunRecord } from './host-state';
import { parseRun } from './host-state';
import type { Step } from './step';

/** How long one command waits on the host for a followed run to end (one SSH command per window). */
export const RUN_WAIT_MS = 5_000;

/** The pause after a check that came back early while the run still went (a host without coreutils' `tail --pid`). */
export const RUN_POLL_MS = 1_000;

export interface RunEnd {
  /** Exit code, or undefined when the run died without one (killed, host rebooted). */
  code: number | undefined;
  /** The last lines of its output, raw (may hold secrets: redact before showing). */
  log: string;
  /** True when this attempt started the run, false when it attached to one already going. */
  started: boolean;
}

interface Window {
  start?: 'started' | 'attached';
  run: RunRecord;
  /** Present once the run has ended. */
  log?: string;
}

/** What detached-start and detached-state print: [started|attached], the run's state, then LOG_MARKER and the log once it ended. */
function parseWindow(stdout: string): Window {
  const marker = stdout.indexOf(`\n${LOG_MARKER}\n`);
  const head = (marker < 0 ? stdout : stdout.slice(0, marker)).split('\n').map((l) => l.trim()).filter(Boolean);
  const first = head[0];
  const start = first === 'started' || first === 'attached' ? first : undefined;
  return {
    ...(start ? { start } : {}),
    run: parseRun(head[start ? 1 : 0] ?? ''),
    ...(marker < 0 ? {} : { log: stdout.slice(marker + LOG_MARKER.length + 2) }),
  };
}

export interface FollowOptions {
  removeWhenDone?: string;
  logLines?: number;
  /** A file the run reads, written (mode 0600) by the command that starts it, and only then. */
  input?: { path: string; content: string };
}

export async function followDetached(step: Step, unit: string, command: Quoted, options: FollowOptions = {}): Promise<RunEnd> {
  const window = { unit, waitMs: RUN_WAIT_MS, logLines: options.logLines ?? 200 };
  const { removeWhenDone, input } = options;
  const start = detachedStart.render({ ...window, command, ...(removeWhenDone ? { removeWhenDone } : {}), ...(input ? { stdinTo: input.path } : {}) });
  let asked = Date.now();
  let seen = parseWindow((await step.runChecked(start, input ? { stdin: input.content } : {})).stdout);
  const started = seen.start === 'started';
  step.log(started ? `started ${unit} detached` : `attached to ${unit}, which an earlier attempt started`);
  for (;;) {
    const { run } = seen;
    if (run.kind === 'exited' || run.kind === 'died') return { code: run.kind === 'exited' ? run.code : undefined, log: seen.log ?? '', started };
    if (run.kind === 'none') throw new Error(`${step.host.name}: the ${unit} run disappeared while being followed`);
    if (Date.now() - asked < RUN_WAIT_MS / 2) await step.wait(RUN_POLL_MS);
    asked = Date.now();
    seen = parseWindow((await step.runChecked(detachedState.render(window))).stdout);
  }
}
