/**
 * `npm run bench`: kubeha's bring-up against its critical path and against the seeds' procedure
 * as a sequential ssh script, per size; JSON under bench/results/, the tables and the chart in
 * docs/BENCHMARKS.md. Not part of `npm test`: it takes long and measures, it asserts nothing.
 */
import { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { reportError } from '../src/client/report-error';
import { UsageError } from '../src/client/errors';
import { markdownTables, replaceBetweenMarkers, svgChart, type Machine, type SizeFile } from './report';
import { runSize } from './run-size';
import { DEFAULT_SIZES, DEFAULT_TIME_SCALE, parseSize, timeScaleFor } from './sizes';

const ROOT = path.resolve(__dirname, '..', '..');
interface BenchOptions {
  size: string[];
  json?: string;
  timeScale?: string;
  addressPrefix: string;
  dir: string;
  baseline: boolean;
  docs: boolean;
  reportOnly?: boolean;
  workerJoins?: string;
}

function machine(): Machine {
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverageAtStart: os.loadavg(),
  };
}

function readResults(dir: string): SizeFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d+\+\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as SizeFile);
}

function writeDocs(results: SizeFile[]): void {
  const docFile = path.join(ROOT, 'docs', 'BENCHMARKS.md');
  writeFileSync(path.join(ROOT, 'docs', 'benchmarks.svg'), svgChart(results));
  const doc = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '# Benchmarks\n';
  writeFileSync(docFile, replaceBetweenMarkers(doc, `${markdownTables(results)}\n\n![wall time per size](benchmarks.svg)`));
}

async function main(opts: BenchOptions): Promise<void> {
  if (opts.reportOnly) {
    writeDocs(readResults(path.join(ROOT, 'bench', 'results')));
    return;
  }
  const sizes = (opts.size.length ? opts.size : DEFAULT_SIZES.map((d) => d.size)).map(parseSize);
  const givenTimeScale = opts.timeScale === undefined ? undefined : Number(opts.timeScale);
  if (givenTimeScale !== undefined && (!Number.isFinite(givenTimeScale) || givenTimeScale <= 0)) throw new UsageError(`--time-scale must be a positive number (got ${opts.timeScale})`);
  const workerJoins = opts.workerJoins === undefined ? undefined : Number(opts.workerJoins);
  if (workerJoins !== undefined && (!Number.isInteger(workerJoins) || workerJoins < 1)) throw new UsageError(`--worker-joins must be a whole number of at least 1 (got ${opts.workerJoins})`);
  const resultsDir = path.join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const host = machine();
  const say = (line: string) => process.stdout.write(`bench ${new Date().toISOString().slice(11, 19)} ${line}\n`);
  say(`${host.nproc} × ${host.cpuModel}, ${host.memoryGiB} GiB, Node ${host.node}, load average ${host.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  const written: SizeFile[] = [];
  for (const size of sizes) {
    const sizeName = `${size.controlPlanes}+${size.workers}`;
    const name = `${sizeName}${workerJoins === undefined ? '' : `-joins-${workerJoins}`}`;
    const timeScale = timeScaleFor(sizeName, givenTimeScale);
    say(`size ${name}, time scale ${timeScale}`);
    const result = await runSize({ ...size, timeScale, addressPrefix: opts.addressPrefix, dir: path.resolve(opts.dir, name), baseline: opts.baseline, workerJoins, say });
    const file: SizeFile = { ...result, machine: host };
    writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(file, null, 2)}\n`);
    written.push(file);
    const k = result.kubeha;
    say(
      `${name}: kubeha ${(k.wallMs / 1000).toFixed(1)} s (${k.ok ? 'ok' : `exit ${k.exit}`}), critical path ${k.criticalPath ? `${(k.criticalPath.totalMs / 1000).toFixed(1)} s, ratio ${k.ratio?.toFixed(2)}` : 'n/a'}` +
        `${k.criticalPath?.asRunMs !== undefined ? ` (with the control-plane joins as run ${(k.criticalPath.asRunMs / 1000).toFixed(1)} s, ratio ${k.ratioAsRun?.toFixed(2)})` : ''}` +
        `${result.baseline ? `, baseline ${(result.baseline.wallMs / 1000).toFixed(1)} s${result.baseline.ok ? '' : ' (failed)'}` : ''}${result.speedup ? `, speedup ${result.speedup.toFixed(2)}×` : ''}`,
    );
  }
  if (opts.json) writeFileSync(path.resolve(opts.json), `${JSON.stringify(written.length === 1 ? written[0] : written, null, 2)}\n`);
  if (opts.docs) writeDocs(readResults(resultsDir));
}

const program = new Command('bench')
  .description('bring-up benchmark: kubeha against its critical path and a sequential ssh baseline, on fresh labs')
  .option('--size <cp+workers>', `a size to run (repeatable; default ${DEFAULT_SIZES.map((d) => d.size).join(', ')})`, (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--json <file>', 'also write the figures of this run there (one size: its object; several: an array)')
  .option('--time-scale <n>', `lab time runs this many times faster, for every size (default: ${DEFAULT_SIZES.map((d) => `${d.size} at ${d.timeScale}`).join(', ')}, others at ${DEFAULT_TIME_SCALE})`)
  .option('--address-prefix <a.b.c>', 'loopback prefix of the labs (a 5+500 lab also takes the next two)', '127.0.80')
  .option('--dir <dir>', 'scratch: labs, dev server databases, worker and up logs', path.join(ROOT, '.kubeha', 'bench'))
  .option('--no-baseline', 'skip the sequential ssh baseline')
  .option('--worker-joins <n>', "override the spec's workers.maxConcurrentJoins; results go to bench/results/<size>-joins-<n>.json, outside the page's tables")
  .option('--no-docs', 'do not rewrite docs/BENCHMARKS.md and docs/benchmarks.svg')
  .option('--report-only', 'run nothing: rewrite docs/BENCHMARKS.md and docs/benchmarks.svg from bench/results/*.json');

program.action(async (opts: BenchOptions) => {
  try {
    await main(opts);
  } catch (err) {
    process.exitCode = reportError(err);
  }
});
void program.parseAsync(process.argv);
