import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function pidFile(stateDir: string): string {
  return join(stateDir, 'temporal.pid');
}

export function recordServerPid(stateDir: string, pid: number): void {
  writeFileSync(pidFile(stateDir), `${pid}\n`);
}

export function forgetServerPid(stateDir: string): void {
  rmSync(pidFile(stateDir), { force: true });
}

/**
 * The pid of a dev server a previous run left on this state dir (killed before it could stop
 * it), if that process still runs with this state dir's database.
 */
export function leftoverServerPid(stateDir: string, dbFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(stateDir), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes(dbFile) ? pid : undefined;
  } catch {
    return undefined;
  }
}
