import type { Command } from 'commander';
import { loadSpecFile } from '../../spec/load';
import { summarizeSpec } from '../../spec/summary';

export interface ValidateOptions {
  file: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Prints warnings and a one-line summary; throws InputError (exit 2) listing every problem. */
export async function runValidate({ file, stdout = process.stdout, stderr = process.stderr }: ValidateOptions): Promise<void> {
  const { spec, warnings } = await loadSpecFile(file);
  for (const w of warnings) stderr.write(`${w}\n`);
  stdout.write(`${file}: valid (${summarizeSpec(spec)})\n`);
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a cluster spec and report every problem as FILE:LINE:COL')
    .requiredOption('-f, --file <file>', 'cluster spec (YAML)')
    .action(async (opts: { file: string }) => {
      await runValidate({ file: opts.file });
    });
}
