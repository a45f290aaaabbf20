/** How detached runs are started, waited for and read on a host, by bash builtins (run by real bash). */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { detachedStart, detachedState, LOG_MARKER } from '../../../src/remote/detached';
import { RUNS_DIR } from '../../../src/remote/paths';
import { q, sh } from '../../../src/ssh/quote';

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

describe('waiting for a run', () => {
  const run = promisify(execFile);
  // Builtins only: with no program on PATH, the wait still waits (timeout and tail would not be found).
  const noPrograms = { ...process.env, PATH: '/nonexistent' };
  const stateAfterWindow = async (waitMs: number): Promise<string> => {
    const script = detachedState.render({ unit: 'kubeadm-join', waitMs, logLines: 5 }).text.split(RUNS_DIR).join(runs);
    return (await run('/bin/bash', ['-c', script], { env: noPrograms, encoding: 'utf8' })).stdout;
  };
  let kubeadm: ChildProcess | undefined;
  afterEach(() => kubeadm?.kill());

  /** A run whose process (a sleep standing in for kubeadm) goes on until it is killed. */
  function startRun(): number {
    kubeadm = spawn('sleep', ['30'], { stdio: 'ignore' });
    const dir = path.join(runs, 'kubeadm-join');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'pid'), `${kubeadm.pid}\n`);
    return kubeadm.pid as number;
  }

  it('sees the end of a run that ends during the window, with no program start', async () => {
    startRun();
    setTimeout(() => {
      writeFileSync(path.join(runs, 'kubeadm-join', 'log'), 'This node has joined the cluster\n');
      writeFileSync(path.join(runs, 'kubeadm-join', 'exit'), '0\n');
      kubeadm?.kill();
    }, 600);
    await expect(stateAfterWindow(20_000)).resolves.toBe(`exited 0\n${LOG_MARKER}\nThis node has joined the cluster\n`);
  });

  it('says a run that outlasts the window is running, after the window', async () => {
    const pid = startRun();
    const started = Date.now();
    await expect(stateAfterWindow(400)).resolves.toBe(`running ${pid}\n`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });
});

it('writes the config a started run reads from stdin byte for byte (mode 0600), with no program but the rename', () => {
  // A PATH holding only what the start needs besides builtins: no cat.
  const bin = path.join(runs, 'bin');
  mkdirSync(bin);
  for (const tool of ['mkdir', 'mv', 'setsid', 'bash']) symlinkSync(execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), path.join(bin, tool));
  const config = path.join(runs, 'cfg', 'join.yaml');
  const text = 'discovery:\n  token: "abc\\\\def" $HOME `id` *\n\n\ttab  \n\n';
  const script = detachedStart.render({ unit: 'kubeadm-join', waitMs: 0, logLines: 5, command: sh`true`, stdinTo: config }).text.split(RUNS_DIR).join(runs);
  expect(execFileSync('/bin/bash', ['-c', script], { input: text, env: { ...process.env, PATH: bin }, encoding: 'utf8' }).split('\n')[0]).toBe('started');
  expect(readFileSync(config, 'utf8')).toBe(text);
  expect(statSync(config).mode & 0o777).toBe(0o600);
});

describe('the command that starts a run', () => {
  /** A PATH whose `sleep` (the window's timer) notes each start in `timer.log`, then sleeps. */
  function pathWithNotedSleep(): { env: NodeJS.ProcessEnv; timerLog: string } {
    const bin = path.join(runs, 'bin');
    mkdirSync(bin);
    const timerLog = path.join(runs, 'timer.log');
    const realSleep = execFileSync('bash', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim();
    writeFileSync(path.join(bin, 'sleep'), `#!/bin/bash\necho "$*" >> '${timerLog}'\nexec '${realSleep}' "$@"\n`, { mode: 0o755 });
    return { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, timerLog };
  }
  const start = (command: string, waitMs: number, env: NodeJS.ProcessEnv): string =>
    execFileSync('/bin/bash', ['-c', detachedStart.render({ unit: 'kubeadm-join', waitMs, logLines: 5, command: sh`bash -c ${q(command)}` }).text.split(RUNS_DIR).join(runs)], { env, encoding: 'utf8' });

  it('waits for the run it started as its parent (wait -n beside a timer for the window) and prints its end', () => {
    const { env, timerLog } = pathWithNotedSleep();
    expect(start('echo This node has joined the cluster; exit 0', 20_000, env)).toBe(`started\nexited 0\n${LOG_MARKER}\nThis node has joined the cluster\n`);
    expect(readFileSync(timerLog, 'utf8')).toBe('20\n');
  });

  it('ends the window when the timer does, and says the run is still running', () => {
    const { env } = pathWithNotedSleep();
    const out = start('exec sleep 30', 1_000, env).split('\n');
    expect(out[0]).toBe('started');
    expect(out[1]).toMatch(/^running \d+$/);
    const pid = Number(out[1]?.split(' ')[1]);
    expect(readFileSync(path.join(runs, 'kubeadm-join', 'pid'), 'utf8').trim()).toBe(String(pid));
    process.kill(-pid); // its session: the wrapper and the sleep it runs
  });
});
