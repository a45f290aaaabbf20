/**
 * The Temporal server and its SQL schema tool, built once with `go install` at the version
 * docker-compose.yml runs and cached like the CLI (`~/.cache/kubeha/temporal-server-v1.29.1/`).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { EnvironmentError } from '../../src/errors';
import { withBuildLock } from '../../src/temporal/build-cli';
import { findGo } from '../../src/temporal/cli-path';
import { runTool } from './exec';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
/** `go install` names binaries after their package directory; the images call them these. */
const PACKAGES = [
  { pkg: 'cmd/server', built: 'server', name: 'temporal-server' },
  { pkg: 'cmd/tools/sql', built: 'sql', name: 'temporal-sql-tool' },
] as const;

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  /** The module's source in the Go module cache (its schema/ directory is what the SQL tool applies). */
  moduleDir: string;
  built: boolean;
}

export function serverCacheDir(env: NodeJS.ProcessEnv): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cacheHome, 'kubeha', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function cached(cacheDir: string): { server: string; sqlTool: string } | undefined {
  const [server, sqlTool] = PACKAGES.map((p) => path.join(cacheDir, p.name));
  return server && sqlTool && isExecutable(server) && isExecutable(sqlTool) ? { server, sqlTool } : undefined;
}

async function goInstall(go: string, cacheDir: string, env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<void> {
  const staging = path.join(cacheDir, 'staging');
  mkdirSync(staging, { recursive: true });
  const targets = PACKAGES.map((p) => `${TEMPORAL_SERVER_MODULE}/${p.pkg}@${TEMPORAL_SERVER_VERSION}`);
  const started = Date.now();
  progress(`building the Temporal server and SQL tool ${TEMPORAL_SERVER_VERSION}: ${go} install ${targets.join(' ')} (about 10 min on 2 cores)`);
  const child = spawn(go, ['install', ...targets], { cwd: tmpdir(), env: { ...env, GOBIN: staging }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const ticker = setInterval(() => progress(`still building the Temporal server: ${Math.round((Date.now() - started) / 1000)} s`), 60_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new EnvironmentError(`go install of the Temporal server exited ${code}:\n${output.trimEnd().split('\n').slice(-15).join('\n')}`);
  } finally {
    clearInterval(ticker);
  }
  for (const p of PACKAGES) {
    const built = path.join(staging, p.built);
    if (!existsSync(built)) throw new EnvironmentError(`go install left no ${built} (is GOBIN overridden by GOFLAGS or go env -w?)`);
    renameSync(built, path.join(cacheDir, p.name));
  }
  progress(`built the Temporal server in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** The module's directory in the Go module cache (downloaded there if `go install` has not already). */
async function moduleDir(go: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await runTool({
    command: go,
    args: ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`],
    cwd: tmpdir(),
    env,
    what: 'locating the Temporal server module source',
  });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir || !existsSync(path.join(dir, 'schema'))) throw new EnvironmentError(`go mod download gave no module directory with a schema/ folder (${stdout.trim()})`);
  return dir;
}

/** Finds the cached build or makes it; Go is needed either way, for the schema files in the module cache. */
export async function ensureServerBinaries(env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<ServerBinaries> {
  const go = findGo(env);
  if (!go) {
    throw new EnvironmentError(
      'no Go toolchain: the topology builds the Temporal server with go install and reads its SQL schema from the Go module cache',
      'install Go (Go 1.25 or newer, as go.temporal.io/server v1.29.1 asks; /usr/local/go/bin/go is found without PATH)',
    );
  }
  const cacheDir = serverCacheDir(env);
  let built = false;
  const binaries = cached(cacheDir) ?? (await withBuildLock(cacheDir, progress, async () => {
    const meanwhile = cached(cacheDir);
    if (meanwhile) return meanwhile;
    await goInstall(go, cacheDir, env, progress);
    built = true;
    const fresh = cached(cacheDir);
    if (!fresh) throw new EnvironmentError(`the Temporal server build left no binaries in ${cacheDir}`);
    return fresh;
  }));
  return { ...binaries, moduleDir: await moduleDir(go, env), built };
}
