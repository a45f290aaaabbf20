import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'kubeha');

let dir: string;
let link: string;
let probe: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kubeha-bin-'));
  // npm links the bin into node_modules/.bin: the script must find dist/ from where it really is.
  link = path.join(dir, 'kubeha');
  symlinkSync(BIN, link);
  // Preloaded before the CLI: reports what the CLI would see, and which script node was given.
  probe = path.join(dir, 'probe.js');
  writeFileSync(probe, 'process.stdout.write(JSON.stringify({ arenas: process.env.MALLOC_ARENA_MAX ?? null, execArgv: process.execArgv, heapLimitMiB: require(\'node:v8\').getHeapStatistics().heap_size_limit / 1048576, main: process.argv[1], args: process.argv.slice(2) })); process.exit(0);\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Seen = { arenas: string | null; execArgv: string[]; heapLimitMiB: number; main: string; args: string[] };

function runThroughLink(env: NodeJS.ProcessEnv): Seen {
  const { MALLOC_ARENA_MAX: _unset, ...rest } = process.env;
  const out = execFileSync(link, ['worker', '--task-queue', "it's"], { env: { ...rest, ...env, NODE_OPTIONS: `--require ${probe}` }, encoding: 'utf8' });
  return JSON.parse(out) as Seen;
}

it('runs the CLI in dist/ through a symlink, with its arguments intact and the worker\'s memory settings', () => {
  const seen = runThroughLink({});
  expect(seen.main).toBe(path.resolve(path.dirname(BIN), '..', 'dist', 'src', 'client', 'cli.js'));
  expect(seen.args).toEqual(['worker', '--task-queue', "it's"]);
  expect(seen.arenas).toBe('2');
  expect(seen.execArgv).toContain('--max-semi-space-size=4');
  // 1 GiB of old generation plus the young generation's semi-spaces.
  expect(seen.heapLimitMiB).toBeGreaterThanOrEqual(1024);
  expect(seen.heapLimitMiB).toBeLessThan(1100);
});

it('lets KUBEHA_NODE_FLAGS raise the heap limit it sets (for a worker that keeps more live)', () => {
  expect(runThroughLink({ KUBEHA_NODE_FLAGS: '--max-old-space-size=3072' }).heapLimitMiB).toBeGreaterThanOrEqual(3072);
});

it('keeps a MALLOC_ARENA_MAX the user set', () => {
  expect(runThroughLink({ MALLOC_ARENA_MAX: '8' }).arenas).toBe('8');
});

it('puts KUBEHA_NODE_FLAGS on node\'s command line, where flags NODE_OPTIONS refuses (--cpu-prof) are allowed', () => {
  const profiles = path.join(dir, 'profiles');
  const seen = runThroughLink({ KUBEHA_NODE_FLAGS: `--cpu-prof --cpu-prof-dir=${profiles}` });
  expect(seen.execArgv).toEqual(['--max-semi-space-size=4', '--max-old-space-size=1024', '--cpu-prof', `--cpu-prof-dir=${profiles}`]);
  expect(seen.args).toEqual(['worker', '--task-queue', "it's"]);
  expect(readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(1);
});
