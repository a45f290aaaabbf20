import type { StepStatus } from '../../shared/messages';
import { approvalCommands } from '../render-progress';
import { liveHosts, type LiveHost, type LiveStep, type LiveView } from './live-view';

/**
 * The terminal's live view as a pure function of the progress, the time and the terminal's size:
 * every line fits the width and the frame leaves the last row free, so redrawing it in place never
 * scrolls. Hosts get a row each while they fit; beyond that the view summarises them (counts per
 * state, the failing hosts, the slowest running ones). Pending gates are always shown with the
 * commands that answer them.
 */
export interface TerminalSize {
  rows: number;
  cols: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPINNER_STEP_MS = 250;
const MARK: Record<StepStatus, string> = { running: '', waiting: '?', succeeded: '✓', failed: '✗', skipped: '-', pending: '·' };
const MAX_SLOWEST = 8;
const HOST_STATES = ['running', 'failed', 'succeeded', 'pending', 'skipped'] as const;

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function since(startedAt: string | undefined, endedAt: string | undefined, now: number): number {
  return startedAt ? (endedAt ? Date.parse(endedAt) : now) - Date.parse(startedAt) : 0;
}

function elapsed(startedAt: string | undefined, endedAt: string | undefined, now: number): string {
  return startedAt ? formatElapsed(since(startedAt, endedAt, now)) : '';
}

function count<T>(items: T[], keep: (item: T) => boolean): number {
  return items.reduce((n, item) => n + (keep(item) ? 1 : 0), 0);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

function header(view: LiveView, now: number): string {
  const started = view.steps.map((s) => s.startedAt).filter((t): t is string => Boolean(t)).sort()[0];
  const active = view.steps.some((s) => s.status === 'running' || s.status === 'waiting');
  const lastEnd = view.steps.map((s) => s.endedAt).filter((t): t is string => Boolean(t)).sort().at(-1);
  const took = started ? ` · ${elapsed(started, active ? undefined : lastEnd, now)}` : '';
  return `${view.title}: ${view.phase}${took}`;
}

function stepLines(steps: LiveStep[], now: number, cols: number): string[] {
  const barWidth = cols >= 100 ? 20 : 10;
  const idWidth = Math.max(0, ...steps.map((s) => s.id.length));
  const most = Math.max(0, ...steps.map((s) => s.hosts.length));
  const digits = String(most).length;
  const progressWidth = most ? barWidth + 2 + 1 + digits * 2 + 1 : 0;
  return steps.map((step) => {
    const mark = step.status === 'running' ? (SPINNER[Math.floor(now / SPINNER_STEP_MS) % SPINNER.length] ?? '*') : MARK[step.status];
    const hosts = step.hosts;
    let progress = '';
    const details: string[] = [];
    if (hosts.length) {
      const done = count(hosts, (h) => h.status === 'succeeded' || h.status === 'failed' || h.status === 'skipped');
      const filled = Math.round((done / hosts.length) * barWidth);
      progress = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(done).padStart(digits)}/${hosts.length}`;
      const running = count(hosts, (h) => h.status === 'running');
      const failed = count(hosts, (h) => h.status === 'failed');
      const retrying = count(hosts, (h) => h.status === 'running' && h.attempts > 1);
      if (running) details.push(`${running} running`);
      if (retrying) details.push(`${retrying} retrying`);
      if (failed) details.push(`${failed} failed`);
    }
    const time = elapsed(step.startedAt, step.endedAt, now).padStart(6);
    // The title comes last: on a narrow terminal it is what gets cut.
    const about = [...(details.length ? [details.join(', ')] : []), step.title].join(' · ');
    return `${mark} ${step.id.padEnd(idWidth)}  ${step.status.padEnd(9)}  ${progress.padEnd(progressWidth)}  ${time}  ${about}`;
  });
}

function attemptText(host: LiveHost): string {
  return host.attempts > 1 ? `attempt ${host.attempts}` : '';
}

function hostTable(hosts: LiveHost[], withRoles: boolean, now: number): string[] {
  const head = ['HOST', ...(withRoles ? ['ROLE'] : []), 'STEP', 'STATE', 'TIME', 'TRIES', 'LAST ERROR'];
  const rows = hosts.map((h) => [
    h.host,
    ...(withRoles ? [h.role ?? ''] : []),
    h.status === 'pending' ? '-' : h.step,
    h.status,
    elapsed(h.startedAt, h.endedAt, now),
    h.attempts > 0 ? String(h.attempts) : '',
    h.lastError && (h.status === 'failed' || h.status === 'running') ? h.lastError.replace(/\s+/g, ' ') : '',
  ]);
  return table([head, ...rows]);
}

/** Counts per state, then the failing hosts (failed, then retrying with an error) and the slowest running ones, in `room` lines. */
function hostSummary(hosts: LiveHost[], room: number, now: number): string[] {
  const counts = HOST_STATES.map((state) => [state, count(hosts, (h) => h.status === state)] as const).filter(([, n]) => n > 0);
  const lines = [`hosts: ${hosts.length} · ${counts.map(([state, n]) => `${n} ${state}`).join(' · ')}`];
  const failing = [...hosts.filter((h) => h.status === 'failed'), ...hosts.filter((h) => h.status === 'running' && h.lastError).sort((a, b) => b.attempts - a.attempts)];
  const slowest = hosts
    .filter((h) => h.status === 'running' && !h.lastError)
    .sort((a, b) => since(b.startedAt, undefined, now) - since(a.startedAt, undefined, now))
    .slice(0, MAX_SLOWEST);
  let space = room - 1 - (failing.length ? 1 : 0) - (slowest.length ? 1 : 0);
  if (space <= 0) return lines.slice(0, Math.max(0, room));
  let slowShown = Math.min(slowest.length, failing.length ? Math.floor(space / 2) : space);
  const failShown = Math.min(failing.length, space - slowShown);
  space -= failShown;
  slowShown = Math.min(slowest.length, space);
  if (failShown > 0) {
    lines.push(`failing: ${failing.length}${failShown < failing.length ? ` (${failShown} shown)` : ''}`);
    const rows = failing.slice(0, failShown).map((h) => ['', h.host, h.step, h.status, elapsed(h.startedAt, h.endedAt, now), attemptText(h), (h.lastError ?? '').replace(/\s+/g, ' ')]);
    lines.push(...table(rows));
  }
  if (slowShown > 0) {
    const running = count(hosts, (h) => h.status === 'running');
    lines.push(`slowest running: ${slowShown} of ${running}`);
    lines.push(...table(slowest.slice(0, slowShown).map((h) => ['', h.host, h.step, elapsed(h.startedAt, undefined, now), attemptText(h)])));
  }
  return lines;
}

function gateLines(view: LiveView, now: number): string[] {
  return view.pendingApprovals.flatMap((p) => [
    `waiting for approval of gate ${p.gate} for ${elapsed(p.since, undefined, now)}${p.timesOutAt ? ` (fails at ${p.timesOutAt} unless someone decides)` : ''}:`,
    ...approvalCommands(view.cluster, p.gate),
  ]);
}

function failureLines(view: LiveView): string[] {
  const f = view.failure;
  return f ? [`FAILED at ${f.step}${f.host ? ` on ${f.host}` : ''}: ${f.message.replace(/\s+/g, ' ')}`] : [];
}

/** Steps that are done or still to come, folded into one line each, when every step on its own line would not fit. */
function foldedStepLines(steps: LiveStep[], now: number, cols: number): string[] {
  const done = steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped');
  const todo = steps.filter((s) => s.status === 'pending');
  const active = steps.filter((s) => !done.includes(s) && !todo.includes(s));
  return [
    ...(done.length ? [`✓ ${done.length} steps done: ${done.map((s) => s.id).join(', ')}`] : []),
    ...stepLines(active, now, cols),
    ...(todo.length ? [`· ${todo.length} to go: ${todo.map((s) => s.id).join(', ')}`] : []),
  ];
}

function fit(line: string, cols: number): string {
  const width = Math.max(1, cols - 1);
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

export function renderFrame(view: LiveView, now: number, size: TerminalSize): string[] {
  const budget = Math.max(1, size.rows - 1);
  const head = [header(view, now), ...(view.notes ?? [])];
  const foot = [...failureLines(view), ...gateLines(view, now)];
  let steps = stepLines(view.steps, now, size.cols);
  if (head.length + steps.length + foot.length + 1 > budget) steps = foldedStepLines(view.steps, now, size.cols);
  const room = budget - head.length - steps.length - foot.length;
  const hosts = liveHosts(view);
  const withRoles = Boolean(view.roles);
  let middle: string[] = [];
  if (hosts.length && hosts.length + 1 <= room) middle = hostTable(hosts, withRoles, now);
  else if (hosts.length) middle = hostSummary(hosts, room, now);
  const lines = [...head, ...steps, ...middle];
  // The gates and the failure matter most: when nothing else fits they push the rest out.
  const kept = [...lines.slice(0, Math.max(0, budget - foot.length)), ...foot].slice(0, budget);
  return kept.map((line) => fit(line, size.cols));
}
