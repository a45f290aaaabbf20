/** Per-process CPU and memory from /proc (Linux). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`, 100 on Linux). */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

export interface ProcCpu {
  /** utime + stime, seconds. */
  self: number;
  /** cutime + cstime: children this process waited for, seconds. */
  children: number;
}

/** Fields after the `(comm)` of /proc/<pid>/stat; utime is field 14 (index 11 here). */
export function parseStatCpu(stat: string, hz: number): ProcCpu {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const at = (i: number) => f[i] ?? 0;
  return { self: (at(11) + at(12)) / hz, children: (at(13) + at(14)) / hz };
}

export function processCpu(pid: number): ProcCpu | undefined {
  try {
    return parseStatCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'), clockTicks());
  } catch {
    return undefined;
  }
}

/** VmHWM (peak resident set) of a live process, bytes. */
export function peakRssBytes(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Processes (and threads) the whole machine has forked since boot: /proc/stat's `processes`. */
export function processesForked(): number | undefined {
  try {
    const m = /^processes (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
