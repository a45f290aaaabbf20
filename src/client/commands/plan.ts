import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { formatPlan } from '../../plan/format';
import { planSteps } from '../../plan/steps';
import { renderPlanFiles } from '../../render/plan-files';
import type { RenderedFile } from '../../render/plan-files';
import { loadSpecFile } from '../../spec/load';
import { summarizeSpec } from '../../spec/summary';
import { InputError } from '../errors';

export interface PlanOptions {
  file: string;
  /** Write every rendered file under this directory (per-host files in DIR/<host>/). */
  out?: string;
  json?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Prints the ordered bring-up steps and optionally writes every rendered configuration file. */
export async function runPlan({ file, out, json = false, stdout = process.stdout, stderr = process.stderr }: PlanOptions): Promise<void> {
  const { spec, warnings } = await loadSpecFile(file);
  for (const w of warnings) stderr.write(`${w}\n`);
  const steps = planSteps(spec);
  const files = renderPlanFiles(spec);
  const written = out ? await writeFiles(out, files) : [];
  if (json) {
    stdout.write(`${JSON.stringify({ cluster: spec.name, steps, files: out ? written : files.map((f) => f.path) }, null, 2)}\n`);
    return;
  }
  stdout.write(`Plan for cluster ${spec.name} (${summarizeSpec(spec)}), Kubernetes ${spec.kubernetesVersion}, endpoint ${spec.controlPlaneEndpoint}:\n`);
  stdout.write(formatPlan(steps, { cluster: spec.name }));
  if (out) {
    stdout.write(`\nWrote ${written.length} files under ${out}:\n`);
    for (const w of written) stdout.write(`  ${w}\n`);
  } else {
    stdout.write(`\n${files.length} configuration files would be written; pass --out DIR to see them.\n`);
  }
}

async function writeFiles(dir: string, files: RenderedFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of files) {
    const target = path.join(dir, f.path);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, f.content, { mode: f.path.endsWith('.sh') ? 0o755 : 0o644 });
    } catch (err) {
      throw new InputError(`cannot write ${target}: ${(err as Error).message}`, [], 'pass --out a directory you can write to');
    }
    written.push(target);
  }
  return written;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('Show the ordered bring-up steps and render every configuration file')
    .requiredOption('-f, --file <file>', 'cluster spec (YAML)')
    .option('-o, --out <dir>', 'write the rendered files under DIR (per-host files in DIR/<host>/)')
    .option('--json', 'print the plan as JSON')
    .action(async (opts: { file: string; out?: string; json?: boolean }) => {
      await runPlan({ file: opts.file, out: opts.out, json: opts.json });
    });
}
