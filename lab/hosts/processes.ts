import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The mount-namespace inode of a process (`mnt:[4026532xxx]` -> `4026532xxx`), or undefined if gone. */
export function mountNamespaceOf(pid: number): string | undefined {
  try {
    const link = readlinkSync(`/proc/${pid}/ns/mnt`);
    return /\[(\d+)\]/.exec(link)?.[1];
  } catch {
    return undefined;
  }
}

/** One pass over /proc: mount-namespace inode -> pids living in it. */
export function processesByMountNamespace(): Map<string, number[]> {
  const byNs = new Map<string, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ns = mountNamespaceOf(pid);
    if (ns === undefined) continue;
    const list = byNs.get(ns);
    if (list) list.push(pid);
    else byNs.set(ns, [pid]);
  }
  return byNs;
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/** Gone, or a zombie waiting for its parent: it holds no socket, mount or file any more. */
export function isDead(pid: number): boolean {
  const state = processState(pid);
  return state === undefined || state === 'Z' || state === 'X';
}

/** SIGKILL until `find()` returns nothing, then wait until every pid it ever returned is dead. */
export async function killUntilGone(find: () => number[], timeoutMs: number): Promise<boolean> {
  const killed = new Set<number>();
  return waitFor(() => {
    const pids = find();
    signalAll(pids, 'SIGKILL');
    for (const pid of pids) killed.add(pid);
    return pids.length === 0 && [...killed].every(isDead);
  }, timeoutMs, 20);
}

export async function waitFor(check: () => boolean, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface LabHostProcesses {
  labDir: string;
  name: string;
  address: string;
  pids: number[];
}

/**
 * Every simulated host running on this machine, whatever lab it belongs to. A namespace is host H
 * of lab L when the identity file its processes see says so: robust against namespace-inode reuse,
 * and usable by a fresh process after a crash (nothing needs to be remembered).
 */
export function labHostsOnMachine(identityFile: string, byNs = processesByMountNamespace()): LabHostProcesses[] {
  const rootNs = mountNamespaceOf(process.pid);
  const found = new Map<string, LabHostProcesses>();
  for (const [ns, pids] of byNs) {
    if (ns === rootNs) continue;
    const owner = identityIn(pids, identityFile);
    if (!owner) continue;
    const key = `${owner.labDir}\0${owner.name}`;
    const entry = found.get(key);
    if (entry) entry.pids.push(...pids);
    else found.set(key, { ...owner, pids: [...pids] });
  }
  return [...found.values()];
}

/** Processes of one lab's hosts, by host name. */
export function labProcesses(labDir: string, identityFile: string, byNs = processesByMountNamespace()): Map<string, number[]> {
  const byHost = new Map<string, number[]>();
  for (const h of labHostsOnMachine(identityFile, byNs)) if (h.labDir === labDir) byHost.set(h.name, h.pids);
  return byHost;
}

function identityIn(pids: number[], identityFile: string): Omit<LabHostProcesses, 'pids'> | undefined {
  for (const pid of pids) {
    try {
      const parsed = JSON.parse(readFileSync(`/proc/${pid}/root${identityFile}`, 'utf8')) as Record<string, unknown>;
      const { name, labDir, address } = parsed;
      if (typeof name === 'string' && typeof labDir === 'string' && typeof address === 'string') return { name, labDir, address };
      return undefined;
    } catch {
      // That process just exited or sees no identity; try the next one.
    }
  }
  return undefined;
}
