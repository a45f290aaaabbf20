/** The end of a finished run's log, as detached-state prints it with bash builtins (run by real bash). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { detachedState, LOG_MARKER } from '../../../src/remote/detached';
import { RUNS_DIR } from '../../../src/remote/paths';

let runs: string;
beforeEach(() => {
  runs = mkdtempSync(path.join(tmpdir(), 'kubeha-runs-'));
});
afterEach(() => rmSync(runs, { recursive: true, force: true }));

/** A run that exited 0 with `log` (undefined: no log file), followed for a window of `logLines`. */
function finishedRunPrints(log: string | undefined, logLines: number): string {
  const dir = path.join(runs, 'kubeadm-join');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'exit'), '0\n');
  if (log !== undefined) writeFileSync(path.join(dir, 'log'), log);
  const script = detachedState.render({ unit: 'kubeadm-join', waitMs: 0, logLines }).text.split(RUNS_DIR).join(runs);
  const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
  expect(out.startsWith(`exited 0\n${LOG_MARKER}\n`)).toBe(true);
  return out.slice(`exited 0\n${LOG_MARKER}\n`.length);
}

it('prints the last logLines lines of a longer log', () => {
  const log = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n');
  expect(finishedRunPrints(`${log}\n`, 3)).toBe('line 8\nline 9\nline 10\n');
});

it('prints all of a shorter log, and its last line without a newline', () => {
  expect(finishedRunPrints('[preflight] Running pre-flight checks\nThis node has joined the cluster', 5)).toBe('[preflight] Running pre-flight checks\nThis node has joined the cluster\n');
});

it('prints lines as they are: spaces, backslashes, quotes and globs', () => {
  expect(finishedRunPrints('  indented \\n "quoted" * [a]\n', 5)).toBe('  indented \\n "quoted" * [a]\n');
});

it('prints nothing for an empty or missing log', () => {
  expect(finishedRunPrints('', 5)).toBe('');
  rmSync(path.join(runs, 'kubeadm-join'), { recursive: true });
  expect(finishedRunPrints(undefined, 5)).toBe('');
});
