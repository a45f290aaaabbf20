/**
 * `npm run topology`: the production topology without Docker, end to end. The server build
 * starts first (it is the long part on a fresh machine) while the rest is prepared.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { stopLab } from '../../lab';
import { bringUpThroughRestart, type BringUpEvidence, type BringUpSettings } from './bring-up';
import { topologyLayout, type TopologyLayout } from './layout';
import type { MtlsAttempt } from './mtls-check';
import { killRecorded } from './pid-files';
import { ensureServerBinaries, type ServerBinaries } from './server-build';
import { startTemporalServices } from './services';

export interface TopologyOptions extends BringUpSettings {
  dir: string;
  addressPrefix: string;
}

export interface TopologyResult {
  layout: TopologyLayout;
  binaries: ServerBinaries;
  mtls: MtlsAttempt[];
  bringUp: BringUpEvidence;
  wallMs: number;
}

/** Stops what an earlier run in `dir` left running, then empties it. */
async function freshDirectory(layout: TopologyLayout, say: (line: string) => void): Promise<void> {
  if (existsSync(layout.dir)) {
    for (const leftover of await killRecorded(layout.dir)) say(`stopped what an earlier run left running: ${leftover}`);
    if (existsSync(path.join(layout.labDir, 'lab.json'))) await stopLab(layout.labDir);
    rmSync(layout.dir, { recursive: true, force: true });
  }
  // 0755: PostgreSQL's own user must reach its directory inside.
  mkdirSync(layout.dir, { recursive: true, mode: 0o755 });
  mkdirSync(layout.logDir, { recursive: true });
}

/** After a passing run only the logs are worth keeping (the lab's host trees alone are ~400 MB). */
export function removeAllButLogs(layout: TopologyLayout): void {
  for (const entry of readdirSync(layout.dir)) {
    if (path.join(layout.dir, entry) !== layout.logDir) rmSync(path.join(layout.dir, entry), { recursive: true, force: true });
  }
}

export async function runTopology(options: TopologyOptions): Promise<TopologyResult> {
  const started = Date.now();
  const { say, cleanups } = options;
  const layout = topologyLayout(path.resolve(options.dir), options.addressPrefix);
  await freshDirectory(layout, say);
  const binaries = ensureServerBinaries(process.env, say);
  // Awaited later; until then a build failure must not count as unhandled.
  binaries.catch(() => undefined);
  const services = await startTemporalServices(layout, binaries, cleanups, say);
  const bringUp = await bringUpThroughRestart({
    layout,
    services,
    controlPlanes: options.controlPlanes,
    workers: options.workers,
    timeScale: options.timeScale,
    outageMs: options.outageMs,
    cleanups,
    say,
  });
  return { layout, binaries: await binaries, mtls: services.mtls, bringUp, wallMs: Date.now() - started };
}
