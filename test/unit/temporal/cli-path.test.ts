import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findGo, findTemporalCli, TemporalCliPathError, temporalCliCacheDir } from '../../../src/temporal/cli-path';
import { ensureTemporalCli } from '../../../src/temporal/ensure-cli';

let root: string;

function executable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kubeha-cli-path-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('findTemporalCli', () => {
  const emptyPath = (): string => join(root, 'empty-bin');

  it('prefers TEMPORAL_CLI_PATH over PATH and the cache', () => {
    const fromEnv = executable(join(root, 'custom', 'temporal'));
    const bin = join(root, 'bin');
    executable(join(bin, 'temporal'));
    executable(join(root, 'cache', 'kubeha', 'temporal-cli-v1.5.1', 'temporal'));
    const env = { TEMPORAL_CLI_PATH: fromEnv, PATH: bin, XDG_CACHE_HOME: join(root, 'cache') };
    expect(findTemporalCli({ env })).toEqual({ path: fromEnv, source: 'env' });
  });

  it('rejects a TEMPORAL_CLI_PATH that is not executable instead of silently looking elsewhere', () => {
    const notExecutable = join(root, 'temporal.txt');
    writeFileSync(notExecutable, 'x');
    const bin = join(root, 'bin');
    executable(join(bin, 'temporal'));
    expect(() => findTemporalCli({ env: { TEMPORAL_CLI_PATH: notExecutable, PATH: bin } })).toThrow(TemporalCliPathError);
  });

  it('uses temporal on PATH before the cache, skipping non-executable entries', () => {
    const first = join(root, 'first');
    mkdirSync(first);
    writeFileSync(join(first, 'temporal'), 'not executable');
    const second = join(root, 'second');
    const onPath = executable(join(second, 'temporal'));
    executable(join(root, 'cache', 'kubeha', 'temporal-cli-v1.5.1', 'temporal'));
    const env = { PATH: `${first}:${second}`, XDG_CACHE_HOME: join(root, 'cache') };
    expect(findTemporalCli({ env })).toEqual({ path: onPath, source: 'path' });
  });

  it('falls back to the cached build under XDG_CACHE_HOME, else under ~/.cache', () => {
    const cached = executable(join(root, 'xdg', 'kubeha', 'temporal-cli-v1.5.1', 'temporal'));
    expect(findTemporalCli({ env: { PATH: emptyPath(), XDG_CACHE_HOME: join(root, 'xdg') } })).toEqual({ path: cached, source: 'cache' });

    const home = join(root, 'home');
    const inHome = executable(join(home, '.cache', 'kubeha', 'temporal-cli-v1.5.1', 'temporal'));
    expect(temporalCliCacheDir({ env: {}, homeDir: home })).toBe(join(home, '.cache', 'kubeha', 'temporal-cli-v1.5.1'));
    expect(findTemporalCli({ env: { PATH: emptyPath() }, homeDir: home })).toEqual({ path: inHome, source: 'cache' });
  });

  it('finds nothing when no candidate exists', () => {
    expect(findTemporalCli({ env: { PATH: emptyPath() }, homeDir: join(root, 'nohome') })).toBeUndefined();
  });
});

describe('findGo', () => {
  it('looks on PATH first, then at the standard install location', () => {
    const bin = join(root, 'bin');
    const onPath = executable(join(bin, 'go'));
    const fallback = executable(join(root, 'usr-local-go', 'go'));
    expect(findGo({ PATH: bin }, fallback)).toBe(onPath);
    expect(findGo({ PATH: join(root, 'none') }, fallback)).toBe(fallback);
    expect(findGo({ PATH: join(root, 'none') }, join(root, 'missing-go'))).toBeUndefined();
  });
});

describe('ensureTemporalCli', () => {
  it('returns a found CLI without building', async () => {
    const bin = join(root, 'bin');
    const onPath = executable(join(bin, 'temporal'));
    const progress = jest.fn();
    await expect(ensureTemporalCli({ env: { PATH: bin }, homeDir: root, progress })).resolves.toEqual({
      kind: 'found',
      path: onPath,
      source: 'path',
    });
    expect(progress).not.toHaveBeenCalled();
  });

  it('builds with go install into the cache dir (GOBIN) when Go is present', async () => {
    const bin = join(root, 'bin');
    // A stand-in `go` that records its arguments and "installs" the binary where GOBIN says.
    writeFileSync(
      join(executable(join(bin, 'go')), ''),
      '#!/bin/sh\necho "$@" > "$GOBIN/go-args"\nprintf "#!/bin/sh\\n" > "$GOBIN/temporal"\n/bin/chmod +x "$GOBIN/temporal"\necho pkg/one >&2\n',
    );
    const env = { PATH: bin, XDG_CACHE_HOME: join(root, 'cache') };
    const lines: string[] = [];
    const result = await ensureTemporalCli({ env, progress: (l) => lines.push(l) });
    const cacheDir = join(root, 'cache', 'kubeha', 'temporal-cli-v1.5.1');
    expect(result).toEqual({ kind: 'built', path: join(cacheDir, 'temporal'), source: 'go-install' });
    expect(readFileSync(join(cacheDir, 'go-args'), 'utf8').trim()).toBe(
      'install -v github.com/temporalio/cli/cmd/temporal@v1.5.1',
    );
    expect(lines[0]).toMatch(/building the Temporal CLI v1\.5\.1/);
    expect(findTemporalCli({ env })).toEqual({ path: join(cacheDir, 'temporal'), source: 'cache' });
  });

  it('reports a failed go install with its output', async () => {
    const bin = join(root, 'bin');
    writeFileSync(executable(join(bin, 'go')), '#!/bin/sh\necho "go: module lookup disabled" >&2\nexit 1\n');
    await expect(
      ensureTemporalCli({ env: { PATH: bin, XDG_CACHE_HOME: join(root, 'c') }, progress: () => undefined }),
    ).rejects.toThrow(/exited with 1:\ngo: module lookup disabled/);
  });

  it('falls back to the SDK download, saying it needs internet, when there is no Go', async () => {
    const lines: string[] = [];
    const result = await ensureTemporalCli({
      env: { PATH: join(root, 'none'), XDG_CACHE_HOME: join(root, 'c') },
      goFallbackPath: join(root, 'no-go'),
      progress: (l) => lines.push(l),
    });
    expect(result).toEqual({ kind: 'sdk-download', downloadDir: join(root, 'c', 'kubeha', 'temporal-cli-v1.5.1', 'sdk-download') });
    expect(lines.join('\n')).toMatch(/needs internet access/);
  });
});

describe('ensureTemporalCli with a go that installs nothing', () => {
  it('says the build left no binary instead of returning a missing path', async () => {
    const bin = join(root, 'bin');
    writeFileSync(executable(join(bin, 'go')), '#!/bin/sh\nexit 0\n');
    await expect(
      ensureTemporalCli({ env: { PATH: bin, XDG_CACHE_HOME: join(root, 'c') }, progress: () => undefined }),
    ).rejects.toThrow(/succeeded but left no .*temporal-cli-v1\.5\.1\/temporal/);
  });
});

describe('ensureTemporalCli from two processes at once', () => {
  it('builds once: the second waits for the lock and finds the first one\'s binary', async () => {
    const bin = join(root, 'bin');
    const count = join(root, 'builds');
    writeFileSync(
      executable(join(bin, 'go')),
      `#!/bin/sh\necho build >> ${count}\n/bin/sleep 1\nprintf '#!/bin/sh\\n' > "$GOBIN/temporal"\n/bin/chmod +x "$GOBIN/temporal"\n`,
    );
    const env = { PATH: bin, XDG_CACHE_HOME: join(root, 'cache') };
    const lines: string[] = [];
    const [a, b] = await Promise.all([
      ensureTemporalCli({ env, progress: (l) => lines.push(l) }),
      ensureTemporalCli({ env, progress: (l) => lines.push(l) }),
    ]);
    expect(readFileSync(count, 'utf8')).toBe('build\n');
    expect([a.kind, b.kind].sort()).toEqual(['built', 'found']);
    expect(lines).toContain('another process is building the Temporal CLI; waiting for it');
  });
});
