/**
 * CPU spent by a lab: its sshd/etcd/API-server/kubelet/simulated-command process trees and its
 * external HAProxy. The lab's processes are moved into a cgroup of their own (v1 cpuacct, or
 * v2), whose counter keeps the CPU of every descendant, including the short-lived simulated
 * commands that have exited. Without a writable cgroup hierarchy the fallback sums /proc over
 * the lab's live processes (own + reaped children's CPU): it misses processes reaped outside them.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { processCpu } from './proc';

export interface LabCpuMeter {
  method: 'cgroup-v1-cpuacct' | 'cgroup-v2' | 'proc-sum';
  /** Adds processes (the lab's, found by the caller) to the measured set. */
  adopt(pids: readonly number[]): void;
  /** CPU seconds so far. */
  seconds(pids: readonly number[]): number;
  /** Removes the cgroup once the lab's processes have left it (killed processes linger briefly). */
  dispose(): Promise<void>;
}

function tryCgroup(root: string, file: string, name: string): string | undefined {
  if (!existsSync(path.join(root, 'cgroup.procs'))) return undefined;
  const dir = path.join(root, name);
  try {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(path.join(dir, file))) {
      rmdirSync(dir);
      return undefined;
    }
    return dir;
  } catch {
    return undefined;
  }
}

async function removeWhenEmpty(dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function moveInto(dir: string, pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      writeFileSync(path.join(dir, 'cgroup.procs'), `${pid}\n`);
    } catch {
      // Gone meanwhile, or a thread of one already moved.
    }
  }
}

export function labCpuMeter(name: string): LabCpuMeter {
  const v1 = tryCgroup('/sys/fs/cgroup/cpuacct', 'cpuacct.usage', name);
  if (v1) {
    return {
      method: 'cgroup-v1-cpuacct',
      adopt: (pids) => moveInto(v1, pids),
      seconds: () => Number(readFileSync(path.join(v1, 'cpuacct.usage'), 'utf8').trim()) / 1e9,
      dispose: () => removeWhenEmpty(v1),
    };
  }
  for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    if (!existsSync(path.join(root, 'cgroup.controllers'))) continue;
    const v2 = tryCgroup(root, 'cpu.stat', name);
    if (!v2) continue;
    return {
      method: 'cgroup-v2',
      adopt: (pids) => moveInto(v2, pids),
      seconds: () => Number(/usage_usec (\d+)/.exec(readFileSync(path.join(v2, 'cpu.stat'), 'utf8'))?.[1] ?? 0) / 1e6,
      dispose: () => removeWhenEmpty(v2),
    };
  }
  return {
    method: 'proc-sum',
    adopt: () => undefined,
    seconds: (pids) => pids.reduce((sum, pid) => {
      const cpu = processCpu(pid);
      return sum + (cpu ? cpu.self + cpu.children : 0);
    }, 0),
    dispose: async () => undefined,
  };
}
