/**
 * Makes sure a Temporal CLI is available (building it with `go install` when needed) and
 * prints its path on stdout; progress goes to stderr. Used by .ci/run and the e2e setup.
 */
import { ensureTemporalCli } from '../src/temporal/ensure-cli';

async function main(): Promise<number> {
  const progress = (line: string): void => void process.stderr.write(`ensure-temporal-cli: ${line}\n`);
  const cli = await ensureTemporalCli({ env: process.env, progress });
  if (cli.kind === 'sdk-download') {
    progress(`tests will let the SDK download the CLI into ${cli.downloadDir}`);
    return 0;
  }
  progress(cli.kind === 'built' ? `built ${cli.path}` : `using ${cli.path} (from ${cli.source})`);
  process.stdout.write(`${cli.path}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`ensure-temporal-cli: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
