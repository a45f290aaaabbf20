/**
 * The lab's record of drains and uncordons, one JSON line per event with its real time, so a test
 * can check how many nodes (by role) were out of service at once. `<labDir>/drains.jsonl`;
 * appends of one short line are atomic on Linux.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface DrainEvent {
  node: string;
  controlPlane: boolean;
  event: 'drain' | 'uncordon';
  /** Epoch ms (real). */
  at: number;
}

export const drainRecordFile = (labDir: string): string => path.join(labDir, 'drains.jsonl');

export function recordDrainEvent(labDir: string, event: DrainEvent): void {
  appendFileSync(drainRecordFile(labDir), `${JSON.stringify(event)}\n`);
}

export function readDrainRecord(labDir: string): DrainEvent[] {
  const file = drainRecordFile(labDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as DrainEvent);
}

/** The most nodes of each kind that were drained and not yet uncordoned at the same time. */
export function maxConcurrentDrains(events: readonly DrainEvent[]): { controlPlanes: number; workers: number } {
  const out = new Map<string, boolean>();
  let controlPlanes = 0;
  let workers = 0;
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.event === 'drain') out.set(e.node, e.controlPlane);
    else out.delete(e.node);
    const cp = [...out.values()].filter(Boolean).length;
    controlPlanes = Math.max(controlPlanes, cp);
    workers = Math.max(workers, out.size - cp);
  }
  return { controlPlanes, workers };
}
