import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { goInstallTemporalCli, withBuildLock } from './build-cli';
import { findGo, findTemporalCli, temporalCliCacheDir, type LookupEnvironment, type TemporalCliLocation } from './cli-path';

export interface EnsureCliInput extends LookupEnvironment {
  progress: (line: string) => void;
  /** Where `go` lives when it is not on PATH (tests point this at a missing file). */
  goFallbackPath?: string;
}

export type EnsuredCli =
  | (TemporalCliLocation & { kind: 'found' })
  | { kind: 'built'; path: string; source: 'go-install' }
  | { kind: 'sdk-download'; downloadDir: string };

/**
 * Finds the Temporal CLI, building it with `go install` into the project cache when Go is
 * present. Without Go the answer is the SDK's own download, which needs internet access.
 */
export async function ensureTemporalCli(input: EnsureCliInput): Promise<EnsuredCli> {
  const found = findTemporalCli(input);
  if (found) return { ...found, kind: 'found' };
  const cacheDir = temporalCliCacheDir(input);
  const go = findGo(input.env, input.goFallbackPath);
  if (!go) {
    input.progress(
      'no Temporal CLI found and no Go toolchain: falling back to the Temporal SDK download, which needs internet access ' +
        '(or set TEMPORAL_CLI_PATH to a temporal binary)',
    );
    return { kind: 'sdk-download', downloadDir: join(cacheDir, 'sdk-download') };
  }
  return withBuildLock(cacheDir, input.progress, async () => {
    const builtMeanwhile = findTemporalCli(input);
    if (builtMeanwhile) return { ...builtMeanwhile, kind: 'found' as const };
    const path = await goInstallTemporalCli({ go, cacheDir, env: input.env, progress: input.progress });
    return { kind: 'built' as const, path, source: 'go-install' as const };
  });
}

/** The executable the SDK left in its download dir, if any. */
export function findDownloadedCli(downloadDir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(downloadDir);
  } catch {
    return undefined;
  }
  return names
    .filter((name) => name.startsWith('temporal'))
    .map((name) => join(downloadDir, name))
    .find((path) => statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0);
}
