/**
 * The processes a run started, recorded in its directory, so the next run can stop what a
 * crashed or interrupted one left behind (PostgreSQL and the Temporal server hold the ports).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { waitUntil } from './exec';

interface Recorded {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: with the pid, names one process even after the pid is reused. */
  startTime: string;
  command: string;
}

const fileIn = (dir: string) => path.join(dir, 'pids.json');

function read(dir: string): Recorded[] {
  try {
    return JSON.parse(readFileSync(fileIn(dir), 'utf8')) as Recorded[];
  } catch {
    return [];
  }
}

function startTimeOf(pid: number): string | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function recordPid(dir: string, pid: number | undefined): void {
  const startTime = pid === undefined ? undefined : startTimeOf(pid);
  if (pid === undefined || startTime === undefined) return;
  const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  writeFileSync(fileIn(dir), JSON.stringify([...read(dir), { pid, startTime, command }]));
}

const stillRunning = (r: Recorded) => r.startTime !== undefined && startTimeOf(r.pid) === r.startTime;

/** SIGKILLs every recorded process that still runs; returns what it stopped. */
export async function killRecorded(dir: string): Promise<string[]> {
  if (!existsSync(fileIn(dir))) return [];
  const alive = read(dir).filter(stillRunning);
  for (const r of alive) {
    try {
      process.kill(r.pid, 'SIGKILL');
    } catch {
      // Gone between the check and the kill.
    }
  }
  await waitUntil(async () => !alive.some(stillRunning), 15_000, () => new Error(`processes ${alive.map((r) => r.pid).join(', ')} survived SIGKILL`));
  return alive.map((r) => `${r.pid} ${r.command}`);
}
