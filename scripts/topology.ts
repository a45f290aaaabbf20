/**
 * `npm run topology`: docker-compose.yml's components without Docker — Temporal server v1.29.1
 * (go install) on PostgreSQL 15 with mTLS, `kubeha worker`, and a bring-up on the lab through
 * `kubeha up` while the server is SIGKILLed and restarted. Exits 0 only when all of it held.
 */
import { Command, InvalidArgumentError } from 'commander';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KubehaError } from '../src/errors';
import { Cleanups } from './topology/cleanups';
import { removeAllButLogs, runTopology } from './topology/run';
import { summaryLines } from './topology/summary';

const startedAt = Date.now();
const say = (line: string): void => void process.stdout.write(`topology [${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);

function positive(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function wholeAtLeast(min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    return n;
  };
}

interface Options {
  dir: string;
  addressPrefix: string;
  controlPlanes: number;
  workers: number;
  timeScale: number;
  outage: number;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('topology')
    .description('the production topology without Docker, proven with a bring-up through a Temporal server restart')
    .option('--dir <dir>', 'scratch directory (emptied first; logs stay there)', path.join(tmpdir(), 'kubeha-topology'))
    .option('--address-prefix <a.b.c>', 'loopback prefix: Temporal and PostgreSQL on .2, the lab from .9', '127.0.91')
    .option('--control-planes <n>', 'control planes in the lab', wholeAtLeast(1), 3)
    .option('--workers <n>', 'workers in the lab', wholeAtLeast(0), 2)
    .option('--time-scale <n>', 'lab time runs this much faster (init ~60 s / n)', positive, 5)
    .option('--outage <seconds>', 'how long the Temporal server stays down', positive, 5)
    .parse(argv);
  const options = program.opts<Options>();
  if (process.getuid?.() !== 0) {
    throw new KubehaError('the topology run needs root: the lab starts sshd in mount namespaces', 3, 'run it as root (sudo npm run topology)');
  }
  const cleanups = new Cleanups(say);
  let interrupt: () => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => {
    interrupt = () => reject(new KubehaError('interrupted: everything it started is stopped', 130));
  });
  // Also when a signal comes after the race below is decided.
  interrupted.catch(() => undefined);
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const run = runTopology({
    dir: options.dir,
    addressPrefix: options.addressPrefix,
    controlPlanes: options.controlPlanes,
    workers: options.workers,
    timeScale: options.timeScale,
    outageMs: options.outage * 1000,
    cleanups,
    say,
  });
  try {
    const result = await Promise.race([run, interrupted]);
    await cleanups.runAll();
    removeAllButLogs(result.layout);
    process.stdout.write(`\n${summaryLines(result).join('\n')}\n`);
    return 0;
  } finally {
    await cleanups.runAll();
    // After an interrupt the interrupted step ends soon (what it waits for is gone); what it started meanwhile is stopped as it is added.
    await Promise.race([run.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
    await cleanups.runAll();
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof KubehaError && err.exitCode === 130) {
      process.stderr.write(`\ntopology: ${err.message}\n`);
      process.exit(130);
    }
    const hint = err instanceof KubehaError && err.hint ? `\n  ${err.hint}` : '';
    process.stderr.write(`\ntopology: FAILED: ${err instanceof Error ? err.message : String(err)}${hint}\n`);
    if (process.env.KUBEHA_DEBUG === '1' && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exit(1);
  },
);
