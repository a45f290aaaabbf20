/**
 * The simulator's side of `labPaths(dir).faults`: consume a matching fail-next entry (under the
 * same lock the lab's fault API writes with) and read the per-host slow factor.
 */
import type { FailNextFault } from '../faults';
import { readFaults, updateFaults } from '../faults';

function matches(fault: FailNextFault, host: string, commandLine: string): boolean {
  if (fault.host !== host || fault.count < 1) return false;
  const words = commandLine.trim().split(/\s+/);
  const wanted = fault.command.trim().split(/\s+/);
  return wanted.every((w, i) => words[i] === w);
}

/** The fault this run must fail with, if any (its count is decremented, spent ones removed). */
export async function consumeFailNext(labDir: string, host: string, commandLine: string): Promise<FailNextFault | undefined> {
  if (!readFaults(labDir).failNext.some((f) => matches(f, host, commandLine))) return undefined;
  let hit: FailNextFault | undefined;
  await updateFaults(labDir, (faults) => {
    const fault = faults.failNext.find((f) => matches(f, host, commandLine));
    if (!fault) return;
    hit = { ...fault };
    fault.count -= 1;
    faults.failNext = faults.failNext.filter((f) => f.count > 0);
  });
  return hit;
}

export function slowFactor(labDir: string, host: string): number {
  return readFaults(labDir).slow[host] ?? 1;
}

/** Epoch ms from which the uploaded certificate key counts as expired, if the fault was set. */
export function certificateKeyExpiredAt(labDir: string): number | undefined {
  return readFaults(labDir).expireCertificateKeyAt;
}
