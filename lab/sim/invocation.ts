/**
 * One run of a simulated command inside the lab's simulator server (server/): which host it runs
 * on, as whom (pid, cwd, environment), and where its output goes. A command run as a process of
 * its own (tests with KUBEHA_SIM_ROOT, daemons) has none, and uses its process instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import type { SimContext } from './context';

export interface Invocation {
  labDir: string;
  host: string;
  /** The thin client's pid: it lives in the host's namespaces (daemons are started in them through it). */
  pid: number;
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Writes to the client's fd 1 or 2; throws SessionGone once the client is gone. */
  write(fd: 1 | 2, text: string): void;
  /** The client process is gone (killed with its host, or ended): the command is dead. */
  clientGone(): boolean;
  context?: SimContext;
}

/**
 * The client died (its stdout or stderr was closed, or its host was killed): the command dies at
 * this line, as a process dies of SIGPIPE or SIGKILL. It unwinds the command; nothing after runs.
 */
export class SessionGone extends Error {
  constructor() {
    super('the session of this command is gone');
    this.name = 'SessionGone';
  }
}

const storage = new AsyncLocalStorage<Invocation>();

export function currentInvocation(): Invocation | undefined {
  return storage.getStore();
}

export function runInvocation<T>(invocation: Invocation, body: () => Promise<T>): Promise<T> {
  return storage.run(invocation, body);
}

/** The process's state letter from /proc/<pid>/stat (R, S, T, Z, ...), undefined once it is gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2];
  } catch {
    return undefined;
  }
}

/**
 * Where time passed in a command (after each of its sleeps): a command whose client was killed
 * dies here, and one whose client is stopped (its host frozen) waits until it runs again, as
 * SIGKILL and SIGSTOP act on the real process. A command run as its own process needs neither.
 * One read of the client's state per check: 505 hosted kubelets pass here every second at 5+500.
 */
export async function checkpoint(): Promise<void> {
  const invocation = currentInvocation();
  if (!invocation) return;
  for (;;) {
    const state = processState(invocation.pid);
    if (state === undefined || state === 'Z' || state === 'X' || invocation.clientGone()) throw new SessionGone();
    if (state !== 'T' && state !== 't') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
