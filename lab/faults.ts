/**
 * The programmatic fault API. Process-level faults (stop, freeze, thaw, restart, dropped SSH
 * connections) act on the host's processes directly; command-level faults (fail the next N runs
 * of a command, slow a host, expire the certificate key) are written to `labPaths(dir).faults`
 * and consumed by the simulator under the same lock.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as lockfile from 'proper-lockfile';
import { UsageError } from '../src/client/errors';
import { labPaths } from './layout';

export interface FailNextFault {
  host: string;
  /** Leading words of the command line that should fail, e.g. `kubeadm join`. */
  command: string;
  /** How many more runs fail. */
  count: number;
  message: string;
  exitCode: number;
}

/** `<dir>/faults.json`. */
export interface LabFaults {
  failNext: FailNextFault[];
  /** Host name -> latency multiplier applied on top of the lab's latencyScale. */
  slow: Record<string, number>;
  /** Epoch ms from which the uploaded certificate key counts as expired (the simulator deletes the Secret). */
  expireCertificateKeyAt?: number;
}

const EMPTY: LabFaults = { failNext: [], slow: {} };

export function readFaults(labDir: string): LabFaults {
  const file = labPaths(labDir).faults;
  if (!existsSync(file)) return { ...EMPTY, failNext: [], slow: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LabFaults>;
  return { failNext: parsed.failNext ?? [], slow: parsed.slow ?? {}, expireCertificateKeyAt: parsed.expireCertificateKeyAt };
}

/** Read-modify-write of the faults file under its lock (the simulator takes the same lock). */
export async function updateFaults(labDir: string, change: (faults: LabFaults) => void): Promise<LabFaults> {
  const file = labPaths(labDir).faults;
  if (!existsSync(file)) await writeFile(file, `${JSON.stringify(EMPTY, null, 2)}\n`, { flag: 'wx' }).catch(() => undefined);
  const release = await lockfile.lock(file, { retries: { retries: 50, minTimeout: 10, maxTimeout: 100 }, stale: 10_000 });
  try {
    const faults = readFaults(labDir);
    change(faults);
    await writeFile(file, `${JSON.stringify(faults, null, 2)}\n`);
    return faults;
  } finally {
    await release();
  }
}

export async function failNext(labDir: string, fault: FailNextFault): Promise<void> {
  if (!Number.isInteger(fault.count) || fault.count < 1) throw new UsageError(`fail-next: count must be a whole number >= 1 (got ${fault.count})`);
  if (!Number.isInteger(fault.exitCode) || fault.exitCode < 1 || fault.exitCode > 255) {
    throw new UsageError(`fail-next: exit code must be 1..255 (got ${fault.exitCode})`);
  }
  if (fault.command.trim() === '') throw new UsageError('fail-next: the command to fail is empty', 'e.g. --command "kubeadm join"');
  await updateFaults(labDir, (f) => {
    f.failNext.push({ ...fault, command: fault.command.trim().replace(/\s+/g, ' ') });
  });
}

export async function slowHost(labDir: string, host: string, factor: number): Promise<void> {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new UsageError(`slow: factor must be a positive number (got ${factor})`);
  await updateFaults(labDir, (f) => {
    if (factor === 1) delete f.slow[host];
    else f.slow[host] = factor;
  });
}

export async function expireCertificateKey(labDir: string, now = Date.now()): Promise<void> {
  await updateFaults(labDir, (f) => {
    f.expireCertificateKeyAt = now;
  });
}
