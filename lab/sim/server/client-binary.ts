/**
 * The thin client (client.c) as an executable: compiled with the machine's C compiler once per
 * source version, into dist/lab/sim/native/<hash>/, and reused by every lab after that.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';

/** The compiled client, or why there is none (then the lab falls back to a Node process per command). */
export function clientBinary(repoRoot: string): { path: string } | { missing: string } {
  const source = path.join(repoRoot, 'lab', 'sim', 'server', 'client.c');
  if (!existsSync(source)) return { missing: `${source} is missing` };
  const text = readFileSync(source);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = path.join(repoRoot, 'dist', 'lab', 'sim', 'native', hash);
  const binary = path.join(dir, 'kubeha-sim-client');
  if (existsSync(binary)) return { path: binary };
  mkdirSync(dir, { recursive: true });
  // Labs may come up concurrently: each compiles to its own name, the rename is atomic.
  const tmp = `${binary}.${process.pid}.tmp`;
  const cc = process.env.CC || 'cc';
  const result = spawnSync(cc, ['-O2', '-o', tmp, source], { encoding: 'utf8' });
  if (result.status !== 0) return { missing: `${cc} could not compile ${source}: ${(result.stderr || String(result.error)).trim()}` };
  renameSync(tmp, binary);
  return { path: binary };
}
