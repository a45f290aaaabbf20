import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { LabConfig } from '../layout';
import { labPaths } from '../layout';
import { shQuote } from './shell';

/** The repository root, whether running from sources (ts-jest) or from dist/. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

type InstallSimBin = (config: LabConfig) => unknown;

/** The simulator's own installer (lab/sim/install.ts), when it exists in this checkout. */
function simulatorInstaller(): InstallSimBin | undefined {
  const candidate = path.join(__dirname, '..', 'sim', 'install');
  if (!['.ts', '.js'].some((ext) => existsSync(candidate + ext))) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(candidate) as { installSimBin?: InstallSimBin };
  return mod.installSimBin;
}

/** Fallback: one `#!/bin/sh` wrapper per compiled simulator in dist/lab/sim/*.js. */
async function writeWrappers(config: LabConfig): Promise<void> {
  const simBin = labPaths(config.dir).simBin;
  await mkdir(simBin, { recursive: true });
  const compiled = path.join(repoRoot(), 'dist', 'lab', 'sim');
  const scripts = existsSync(compiled) ? readdirSync(compiled).filter((f) => f.endsWith('.js')) : [];
  await Promise.all(
    scripts.map(async (file) => {
      const target = path.join(simBin, file.slice(0, -3));
      await writeFile(target, `#!/bin/sh\nexec ${shQuote(process.execPath)} ${shQuote(path.join(compiled, file))} "$@"\n`);
      await chmod(target, 0o755);
    }),
  );
}

export async function installSimBin(config: LabConfig): Promise<void> {
  await mkdir(labPaths(config.dir).simBin, { recursive: true });
  const installer = simulatorInstaller();
  if (installer) await installer(config);
  else await writeWrappers(config);
}
