import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BEGIN_MARKER, END_MARKER, markdownTables, replaceBetweenMarkers, type SizeFile } from '../../../bench/report';
import { parseSteps } from '../../../bench/baseline';
import { countAccepted, sshFigures } from '../../../bench/ssh-connections';

it('replaces only what lies between the markers, and appends them the first time', () => {
  const first = replaceBetweenMarkers('# Benchmarks\n\nintro\n', 'table 1');
  expect(first).toBe(`# Benchmarks\n\nintro\n\n${BEGIN_MARKER}\ntable 1\n${END_MARKER}\n`);
  const again = replaceBetweenMarkers(`${first}\nafter\n`, 'table 2');
  expect(again).toContain('intro');
  expect(again).toContain('after');
  expect(again).toContain('table 2');
  expect(again).not.toContain('table 1');
});

it("counts sshd's accepted connections and their difference per host", () => {
  const log = [
    'Server listening on 127.0.80.11 port 22.',
    'Accepted publickey for root from 127.0.0.1 port 60072 ssh2: ED25519 SHA256:x',
    'Received disconnect from 127.0.0.1 port 60072:11:',
    'Accepted publickey for root from 127.0.0.1 port 60090 ssh2: ED25519 SHA256:x',
  ].join('\n');
  expect(countAccepted(log)).toBe(2);
  const figures = sshFigures({ cp1: 1, w1: 0 }, { cp1: 4, w1: 1 });
  expect(figures.total).toBe(4);
  expect(figures.byHost).toEqual({ cp1: 3, w1: 1 });
  expect(figures.perHost.min).toBe(1);
  expect(figures.perHost.max).toBe(3);
});

it("reads the baseline script's step lines and ignores everything else", () => {
  expect(parseSteps('noise\nSTEP init 127.0.80.11 1000 7000\nSTEP join-worker 127.0.80.14 7000 8500\n')).toEqual([
    { name: 'init', host: '127.0.80.11', ms: 6000 },
    { name: 'join-worker', host: '127.0.80.14', ms: 1500 },
  ]);
});

it('gives memory and history sizes in binary units, as they are measured', () => {
  const run = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'bench', 'results', '3+3.json'), 'utf8')) as SizeFile;
  const tables = markdownTables([run]);
  expect(tables).toContain(`| ${Math.round((run.kubeha.workerPeakRssBytes ?? 0) / 2 ** 20)} MiB |`);
  expect(tables).toMatch(/ \d+ KiB \|/);
  expect(tables).not.toMatch(/ \d+ (MB|KB) /);
});
