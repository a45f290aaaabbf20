/** How a Script becomes the command line sent over SSH, and how its process is found again to stop it. */
import type { Quoted, Script } from './quote';
import { q, sh } from './quote';

/** First stdout line of every wrapped command: the remote shell's pid, stripped before callers see output. */
export const PID_MARKER = '@@kubeha-pid ';

/**
 * The script runs in the bash that printed its pid (one bash start per command, not two: on a
 * 500-host bring-up each is thousands of process starts).
 */
export function wrapCommand(script: Script, sudo: boolean): Quoted {
  const inner = `${sh`echo ${q(PID_MARKER)}"$$"`}\n${script.text}`;
  const shell = sh`bash -c ${q(inner)}`;
  return sudo ? sh`sudo -n -- ${shell}` : shell;
}

/** Stops the process group of a command started by `wrapCommand`. */
export function killCommand(pid: number, sudo: boolean): Quoted {
  const body = sh`pgid=$(ps -o pgid= -p ${pid} | tr -d ' ') || exit 0; [ -n "$pgid" ] || exit 0; kill -TERM -- -"$pgid" 2>/dev/null || kill -TERM ${pid} 2>/dev/null || true`;
  return sudo ? sh`sudo -n -- bash -c ${q(body)}` : sh`bash -c ${q(body)}`;
}
