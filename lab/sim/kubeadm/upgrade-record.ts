/**
 * The lab's record of `kubeadm upgrade apply` storing the cluster version (its upload-config
 * step), one JSON line per store with its real time: a test counts how often apply's effect
 * happened. `<labDir>/upgrades.jsonl`; appends of one short line are atomic on Linux.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface ClusterVersionStored {
  /** The control plane whose `kubeadm upgrade apply` stored it. */
  host: string;
  from: string;
  to: string;
  /** Epoch ms (real). */
  at: number;
}

export const upgradeRecordFile = (labDir: string): string => path.join(labDir, 'upgrades.jsonl');

export function recordClusterVersionStored(labDir: string, event: ClusterVersionStored): void {
  appendFileSync(upgradeRecordFile(labDir), `${JSON.stringify(event)}\n`);
}

export function readUpgradeRecord(labDir: string): ClusterVersionStored[] {
  const file = upgradeRecordFile(labDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as ClusterVersionStored);
}
