/** Starts or attaches to a detached kubeadm run on a host and follows it to its end. */
import { detachedLog, detachedStart, detachedState } from '../remote/detached';
import type { Quoted } from '../ssh/quote';
import { parseRun } from './host-state';
import type { Step } from './step';

/** How long one check waits on the host for a followed run to end (one SSH command per window). */
export const RUN_WAIT_MS = 5_000;

/** The pause after a check that came back early while the run still went (a host without `sleep`). */
export const RUN_POLL_MS = 1_000;

export interface RunEnd {
  /** Exit code, or undefined when the run died without one (killed, host rebooted). */
  code: number | undefined;
  /** The last lines of its output, raw (may hold secrets: redact before showing). */
  log: string;
  /** True when this attempt started the run, false when it attached to one already going. */
  started: boolean;
}

export async function followDetached(step: Step, unit: string, command: Quoted, options: { removeWhenDone?: string; logLines?: number } = {}): Promise<RunEnd> {
  const start = (await step.runChecked(detachedStart.render({ unit, command, ...(options.removeWhenDone ? { removeWhenDone: options.removeWhenDone } : {}) }))).stdout.trim();
  const started = start.endsWith('started');
  step.log(started ? `started ${unit} detached` : `attached to ${unit}, which an earlier attempt started`);
  for (;;) {
    const asked = Date.now();
    const run = parseRun((await step.runChecked(detachedState.render({ unit, waitMs: RUN_WAIT_MS }))).stdout);
    if (run.kind === 'exited' || run.kind === 'died') {
      const log = (await step.runChecked(detachedLog.render({ unit, lines: options.logLines ?? 200 }))).stdout;
      return { code: run.kind === 'exited' ? run.code : undefined, log, started };
    }
    if (run.kind === 'none') throw new Error(`${step.host.name}: the ${unit} run disappeared while being followed`);
    if (Date.now() - asked < RUN_WAIT_MS / 2) await step.wait(RUN_POLL_MS);
  }
}
