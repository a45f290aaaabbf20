/**
 * The lab's simulator server as a process of the lab: started detached at `lab up` (outside
 * every host, like the external HAProxy), found again from its pid file, stopped with the lab.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EnvironmentError } from '../../src/client/errors';
import { isDead, killUntilGone, waitFor } from './processes';

export function simServerPaths(labDir: string) {
  return { pid: path.join(labDir, 'sim-server.pid'), log: path.join(labDir, 'sim-server.log') };
}

/** An abstract unix socket: no path length limit, gone with the process, reachable from every host (one network namespace). */
export function simSocketName(labDir: string): string {
  return `kubeha-lab-sim-${createHash('sha256').update(labDir).digest('hex').slice(0, 16)}`;
}

/** The running server of this lab, if its pid file names a live process serving this lab's socket. */
export function simServerPid(labDir: string): number | undefined {
  const file = simServerPaths(labDir).pid;
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(simSocketName(labDir)) && !isDead(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function stopSimServer(labDir: string): Promise<void> {
  const pid = simServerPid(labDir);
  if (pid !== undefined) {
    // SIGTERM first: a profiling server writes its profile on the way out.
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await waitFor(() => isDead(pid), nodeArgs().length > 0 ? 30_000 : 2_000);
    await killUntilGone(() => (isDead(pid) ? [] : [pid]), 10_000);
  }
  rmSync(simServerPaths(labDir).pid, { force: true });
}

/**
 * KUBEHA_LAB_SIM_NODE_ARGS: extra node flags for the server, to profile it (lab/sim/README.md), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` (written when the lab stops) or `--perf-basic-prof` for perf.
 */
function nodeArgs(): string[] {
  return (process.env.KUBEHA_LAB_SIM_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

/** Starts `node <script> <labDir> <socket>` and resolves once it listens. */
export async function startSimServer(labDir: string, script: string): Promise<number> {
  await stopSimServer(labDir);
  const paths = simServerPaths(labDir);
  const log = openSync(paths.log, 'w');
  try {
    const child = spawn(process.execPath, [...nodeArgs(), script, labDir, simSocketName(labDir)], { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new EnvironmentError('the lab simulator server did not start');
    writeFileSync(paths.pid, `${pid}\n`);
    const listening = () => readFileSync(paths.log, 'utf8').includes('listening on @');
    const up = await waitFor(() => listening() || isDead(pid), 15_000, 10);
    if (!up || !listening()) {
      throw new EnvironmentError(`the lab simulator server did not come up: ${readFileSync(paths.log, 'utf8').trim().split('\n').slice(-3).join(' | ')}`, `See ${paths.log}.`);
    }
    return pid;
  } finally {
    closeSync(log);
  }
}
