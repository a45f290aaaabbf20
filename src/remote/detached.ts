/**
 * kubeadm runs that outlive the SSH session (and the worker) that started them. A run lives in
 * `RUNS_DIR/<unit>`: `pid` written before it starts, `log` its output, `exit` its exit code once
 * it ends. Every attempt first attaches to a run that is still going instead of starting one,
 * so a crash, deploy or heartbeat timeout never runs kubeadm twice and never kills it.
 */
import type { Quoted } from '../ssh/quote';
import { defineScript, q, sh } from '../ssh/quote';
import { RUNS_DIR } from './paths';

const runDir = (unit: string): Quoted => q(`${RUNS_DIR}/${unit}`);

/**
 * One line: `none`, `running <pid>`, `exited <code>` or `died` (a pid file, no exit code, and no
 * such process: killed, or the host rebooted). Parsed by `parseRun`. Builtins only; the exit file
 * is looked at again after the process is found gone, since the run writes it just before ending.
 */
export const runState = (unit: string): Quoted => sh`dir=${runDir(unit)}
pid= code=
if [ -f "$dir/exit" ]; then read -r code < "$dir/exit" || true; state="exited $code"
elif [ -f "$dir/pid" ]; then
  read -r pid < "$dir/pid" || true
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then state="running $pid"
  elif [ -f "$dir/exit" ]; then read -r code < "$dir/exit" || true; state="exited $code"
  else state=died; fi
else state=none; fi
echo "$state"`;

/**
 * Checks between a wait's tries on the host: a run's end is seen within this long. Each check is
 * builtins only (no process start), and every worker join waits half of it on average after its
 * kubeadm ends, 50 waves of them in series in a 500-worker bring-up.
 */
export const WAIT_CHECK_MS = 50;

/** Marks where a followed run's log tail starts in a follow's output. */
export const LOG_MARKER = '@@log';

/**
 * Waits on the host (up to `waitMs`) while the run still goes, then prints its state as runState
 * and, once it has ended, LOG_MARKER and its last `logLines` lines (read by mapfile: one process
 * start fewer than tail). The command that started the run (`$child` set) is its parent and waits
 * for it with `wait -n` beside a `sleep` for the window (bash 4.3+): the end is seen as it happens
 * instead of up to WAIT_CHECK_MS later, which every worker join paid in series, wave after wave.
 * Otherwise the wait is builtins only: `read -t` on a pipe nobody writes to sleeps
 * WAIT_CHECK_MS between checks of the run (the pipe costs a fork of this shell, no program start;
 * `timeout` and `tail --pid` cost two program starts per window, on every host of a bring-up).
 * A shell that cannot open that pipe waits with those two instead.
 */
const awaitRun = (unit: string, waitMs: number, logLines: number): Quoted => {
  const checks = Math.ceil(waitMs / WAIT_CHECK_MS);
  return sh`dir=${runDir(unit)}
pid= checks=${checks}
if [ -f "$dir/pid" ]; then read -r pid < "$dir/pid" || true; fi
if [ -n "\${child:-}" ] && [ "$checks" -gt 0 ] && (( BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 403 )); then
  sleep ${Math.ceil(waitMs / 1000)} & timer=$!
  wait -n || true
  # The timer still going means the run ended first (a setsid that forked ends at once: then the checks below follow the run).
  if ! kill "$timer" 2>/dev/null; then checks=0; fi
  wait "$timer" 2>/dev/null || true
fi
if [ "$checks" -gt 0 ] && [ -n "$pid" ] && [ ! -f "$dir/exit" ] && kill -0 "$pid" 2>/dev/null; then
  if exec {tick}<> <(:); then
    for ((check = 0; check < checks; check++)); do
      [ ! -f "$dir/exit" ] && kill -0 "$pid" 2>/dev/null || break
      read -r -t ${WAIT_CHECK_MS / 1000} -u "$tick" _ || true
    done
    exec {tick}<&-
  else
    timeout ${Math.ceil(waitMs / 1000)} tail -s ${WAIT_CHECK_MS / 1000} --pid="$pid" -f /dev/null >/dev/null 2>&1 || true
  fi
fi
${runState(unit)}
case "$state" in exited*|died) echo ${q(LOG_MARKER)}
  if [ -f "$dir/log" ]; then
    mapfile -t log_lines < "$dir/log"; keep=${logLines}; from=$(( \${#log_lines[@]} > keep ? \${#log_lines[@]} - keep : 0 ))
    [ "\${#log_lines[@]}" -eq 0 ] || printf '%s\\n' "\${log_lines[@]:from}"
  fi ;;
esac`;
};

export interface FollowWindow {
  unit: string;
  /** How long this command waits on the host for the run to end. */
  waitMs: number;
  /** How much of the log to print once the run has ended (it may hold secrets: callers redact). */
  logLines: number;
}

/** A followed run's state after one window, with the end of its log once it has ended (see awaitRun). */
export const detachedState = defineScript<FollowWindow>('detached-state', {
  body: ({ unit, waitMs, logLines }) => awaitRun(unit, waitMs, logLines),
});

/**
 * Replaces `path` (mode 0600) with this command's stdin (text: a shell variable holds no NUL);
 * read and written by builtins, a process start only for the rename.
 */
const writeStdinTo = (path: string): Quoted => {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  return sh`[ -d ${q(dir)} ] || mkdir -p -m 0700 -- ${q(dir)}
  (umask 077; IFS= read -r -d '' text || true; printf '%s' "$text" > ${q(`${path}.kubeha-new`)}) && mv -f -- ${q(`${path}.kubeha-new`)} ${q(path)}`;
};

/**
 * Attaches to a running `unit` (prints `attached`), or archives a finished one and starts
 * `command` detached in its own session (prints `started`); then follows it for one window as
 * detachedState does, so a short run is started and seen to its end by one command.
 * `stdinTo`: only when it starts the run, the command's stdin is first written there (e.g. the
 * config the run reads, with its secrets: never on a command line), saving a command of its own.
 * `removeWhenDone` (e.g. that config) is deleted when the run ends, whatever its outcome.
 */
export const detachedStart = defineScript<FollowWindow & { command: Quoted; removeWhenDone?: string; stdinTo?: string }>('detached-start', {
  body: ({ unit, command, removeWhenDone, stdinTo, waitMs, logLines }) => {
    const cleanup = removeWhenDone ? sh`rm -f -- ${q(removeWhenDone)}; ` : sh``;
    const write = stdinTo ? sh`${writeStdinTo(stdinTo)}
  ` : sh``;
    const wrapper = sh`cd /; ${command} > "$1/log" 2>&1; rc=$?; ${cleanup}echo "$rc" > "$1/exit.tmp" && mv -f "$1/exit.tmp" "$1/exit"`;
    return sh`dir=${runDir(unit)}
[ -d ${q(RUNS_DIR)} ] || mkdir -p -m 0700 ${q(RUNS_DIR)}
running= child=
if [ -f "$dir/pid" ] && [ ! -f "$dir/exit" ]; then read -r running < "$dir/pid" || true; fi
if [ -n "$running" ] && kill -0 "$running" 2>/dev/null; then echo attached
else
  if [ -e "$dir" ]; then mv -f -- "$dir" "$dir.$(date +%s%N)"; fi
  mkdir -m 0700 -- "$dir"
  ${write}setsid bash -c ${q(wrapper)} kubeha-run "$dir" </dev/null >/dev/null 2>&1 &
  child=$!
  echo "$child" > "$dir/pid"
  echo started
fi
${awaitRun(unit, waitMs, logLines)}`;
  },
});

/** Ends a run on purpose (a cancelled operation): the whole session, then waits for it to be gone. */
export const detachedStop = defineScript<{ unit: string }>('detached-stop', {
  body: ({ unit }) => sh`dir=${runDir(unit)}
[ -f "$dir/pid" ] && [ ! -f "$dir/exit" ] || { echo not-running; exit 0; }
pid=$(cat "$dir/pid")
kill -TERM -- -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
kill -KILL -- -"$pid" 2>/dev/null || true
[ -f "$dir/exit" ] || echo 143 > "$dir/exit"
echo stopped`,
});
