import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const GO_FALLBACK_PATH = '/usr/local/go/bin/go';

export type TemporalCliSource = 'env' | 'path' | 'cache';

export interface TemporalCliLocation {
  path: string;
  source: TemporalCliSource;
}

export interface LookupEnvironment {
  env: NodeJS.ProcessEnv;
  homeDir?: string;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** `${XDG_CACHE_HOME:-~/.cache}/kubeha/temporal-cli-v1.5.1`: where `go install` puts the binary. */
export function temporalCliCacheDir({ env, homeDir }: LookupEnvironment): string {
  const cacheHome = env.XDG_CACHE_HOME || join(homeDir ?? homedir(), '.cache');
  return join(cacheHome, 'kubeha', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

export class TemporalCliPathError extends Error {
  constructor(readonly path: string) {
    super(`TEMPORAL_CLI_PATH points to ${path}, which is not an executable file`);
    this.name = 'TemporalCliPathError';
  }
}

/**
 * The CLI already on this machine: `$TEMPORAL_CLI_PATH` (which must then be valid), `temporal`
 * on PATH, then the project's cached build. Never builds or downloads anything.
 */
export function findTemporalCli(lookup: LookupEnvironment): TemporalCliLocation | undefined {
  const fromEnv = lookup.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw new TemporalCliPathError(fromEnv);
    return { path: fromEnv, source: 'env' };
  }
  const onPath = findOnPath('temporal', lookup.env);
  if (onPath) return { path: onPath, source: 'path' };
  const cached = join(temporalCliCacheDir(lookup), 'temporal');
  if (isExecutableFile(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

/** `go` on PATH, else the standard install location (not on PATH in every environment). */
export function findGo(env: NodeJS.ProcessEnv, fallback = GO_FALLBACK_PATH): string | undefined {
  return findOnPath('go', env) ?? (isExecutableFile(fallback) ? fallback : undefined);
}
