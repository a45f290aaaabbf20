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
 * such process: killed, or the host rebooted). Parsed by `parseRun`.
 */
export const runState = (unit: string): Quoted => sh`dir=${runDir(unit)}
if [ -f "$dir/exit" ]; then echo "exited $(cat "$dir/exit")"
elif [ -f "$dir/pid" ]; then pid=$(cat "$dir/pid"); if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "running $pid"; else echo died; fi
else echo none; fi`;

/** Checks between a wait's tries on the host: a run's end is seen within this long. */
export const WAIT_CHECK_MS = 200;

/**
 * The run's state, as runState; with `waitMs`, first waits on the host (up to that long, checking
 * every WAIT_CHECK_MS with shell builtins and `sleep`) while the run is still going, so a follower
 * sees its end at once instead of at its next poll, with one command per window.
 */
export const detachedState = defineScript<{ unit: string; waitMs?: number }>('detached-state', {
  body: ({ unit, waitMs }) => {
    if (!waitMs) return runState(unit);
    return sh`dir=${runDir(unit)}
pid=
if [ -f "$dir/pid" ]; then read -r pid < "$dir/pid" || true; fi
i=0
while [ "$i" -lt ${Math.ceil(waitMs / WAIT_CHECK_MS)} ] && [ ! -f "$dir/exit" ] && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep ${WAIT_CHECK_MS / 1000}; i=$((i + 1)); done
${runState(unit)}`;
  },
});

/**
 * Attaches to a running `unit` (prints `attached`), or archives a finished one and starts
 * `command` detached in its own session (prints `started`). `removeWhenDone` (e.g. a config
 * carrying secrets) is deleted when the run ends, whatever its outcome.
 */
export const detachedStart = defineScript<{ unit: string; command: Quoted; removeWhenDone?: string }>('detached-start', {
  body: ({ unit, command, removeWhenDone }) => {
    const cleanup = removeWhenDone ? sh`rm -f -- ${q(removeWhenDone)}; ` : sh``;
    const wrapper = sh`cd /; ${command} > "$1/log" 2>&1; rc=$?; ${cleanup}echo "$rc" > "$1/exit.tmp" && mv -f "$1/exit.tmp" "$1/exit"`;
    return sh`dir=${runDir(unit)}
mkdir -p -m 0700 ${q(RUNS_DIR)}
if [ -f "$dir/pid" ] && [ ! -f "$dir/exit" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then echo attached; exit 0; fi
if [ -e "$dir" ]; then mv -f -- "$dir" "$dir.$(date +%s%N)"; fi
mkdir -m 0700 -- "$dir"
setsid bash -c ${q(wrapper)} kubeha-run "$dir" </dev/null >/dev/null 2>&1 &
echo "$!" > "$dir/pid"
echo started`;
  },
});

/** The last `lines` lines of a run's output (may hold secrets: callers redact). */
export const detachedLog = defineScript<{ unit: string; lines: number }>('detached-log', {
  body: ({ unit, lines }) => sh`tail -n ${lines} -- ${runDir(unit)}/log 2>/dev/null || true`,
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
