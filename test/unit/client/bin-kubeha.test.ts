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
  writeFileSync(probe, 'process.stdout.write(JSON.stringify({ arenas: process.env.MALLOC_ARENA_MAX ?? null, execArgv: process.execArgv, main: process.argv[1], args: process.argv.slice(2) })); process.exit(0);\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Seen = { arenas: string | null; execArgv: string[]; main: string; args: string[] };

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
});

it('keeps a MALLOC_ARENA_MAX the user set', () => {
  expect(runThroughLink({ MALLOC_ARENA_MAX: '8' }).arenas).toBe('8');
});

it('puts KUBEHA_NODE_FLAGS on node\'s command line, where flags NODE_OPTIONS refuses (--cpu-prof) are allowed', () => {
  const profiles = path.join(dir, 'profiles');
  const seen = runThroughLink({ KUBEHA_NODE_FLAGS: `--cpu-prof --cpu-prof-dir=${profiles}` });
  expect(seen.execArgv).toEqual(['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--max-semi-space-size=4']);
  expect(seen.args).toEqual(['worker', '--task-queue', "it's"]);
  expect(readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(1);
});
