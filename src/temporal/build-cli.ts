import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION } from './cli-path';

export interface BuildCliInput {
  go: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  progress: (line: string) => void;
  /** How often to say the build is still running. */
  progressIntervalMs?: number;
}

export class TemporalCliBuildError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'TemporalCliBuildError';
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** `go install <cli>@v1.5.1` with GOBIN pointing at the cache dir; returns the binary's path. */
export async function goInstallTemporalCli(input: BuildCliInput): Promise<string> {
  const { go, cacheDir, env, progress } = input;
  const target = `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`;
  const started = Date.now();
  progress(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${go} install ${target} (about 6 min on 2 cores)`);
  const child = spawn(go, ['install', '-v', target], {
    env: { ...env, GOBIN: cacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let packages = 0;
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    packages += text.split('\n').filter((l) => l.trim() !== '').length;
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const ticker = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    progress(`still building the Temporal CLI: ${seconds}s, ${packages} packages so far`);
  }, input.progressIntervalMs ?? 30_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) {
      throw new TemporalCliBuildError(
        `go install ${target} exited with ${code}:\n${lastLines(output, 15)}`,
        output,
      );
    }
  } finally {
    clearInterval(ticker);
  }
  const built = join(cacheDir, 'temporal');
  if (!existsSync(built)) {
    throw new TemporalCliBuildError(`go install ${target} succeeded but left no ${built} (is GOBIN overridden by GOFLAGS or go env -w?)`, output);
  }
  progress(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)}s`);
  return built;
}

/** Holds the cache dir's build lock while `fn` runs, so two processes never build at once. */
export async function withBuildLock<T>(cacheDir: string, progress: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  mkdirSync(cacheDir, { recursive: true });
  const options = { lockfilePath: join(cacheDir, '.build.lock'), stale: 60_000 };
  let release: () => Promise<void>;
  try {
    release = await lock(cacheDir, options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    progress('another process is building the Temporal CLI; waiting for it');
    release = await lock(cacheDir, { ...options, retries: { retries: 1200, minTimeout: 1000, maxTimeout: 1000 } });
  }
  try {
    return await fn();
  } finally {
    await release();
  }
}
