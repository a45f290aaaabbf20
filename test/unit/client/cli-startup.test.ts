/**
 * Every command but `worker`, `dev` and `demo` starts without the SDK's worker: it takes a quarter
 * of a second to load (a third of `kubeha --help`), which `kubeha up` paid before its bring-up started.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'src', 'client', 'cli.js');

let dir: string;
let probe: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kubeha-startup-'));
  // Preloaded: on exit, lists the @temporalio packages the CLI loaded.
  probe = path.join(dir, 'probe.js');
  writeFileSync(
    probe,
    `process.on('exit', () => {
  const loaded = new Set(Object.keys(require.cache).flatMap((f) => /node_modules\\/(@temporalio\\/[^/]+)\\//.exec(f)?.[1] ?? []));
  require('node:fs').writeFileSync(process.env.KUBEHA_TEST_LOADED, JSON.stringify([...loaded].sort()));
});\n`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function temporalPackagesLoadedBy(args: string[]): string[] {
  const out = path.join(dir, 'loaded.json');
  execFileSync(process.execPath, ['--require', probe, CLI, ...args], { stdio: 'ignore', env: { ...process.env, KUBEHA_TEST_LOADED: out } });
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

it.each([[['--help']], [['up', '--help']], [['status', '--help']]])('kubeha %j does not load the SDK\'s worker', (args) => {
  const loaded = temporalPackagesLoadedBy(args);
  expect(loaded).toContain('@temporalio/client');
  expect(loaded).not.toContain('@temporalio/worker');
});
