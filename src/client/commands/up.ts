import type { Command } from 'commander';
import { loadSpecFile } from '../../spec/load';
import { UsageError } from '../errors';
import { followBringUp } from '../follow';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

export interface UpOptions extends TemporalFlags {
  file: string;
  follow?: boolean;
  detach?: boolean;
  /** Tests and embedding only: the CLI records the caller's identity (callerIdentity) as requester. */
  by?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Validates the spec first (a bad spec exits 2 before anything starts), starts the bring-up, then follows it unless detached. */
export async function runUp(opts: UpOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  if (opts.follow && opts.detach) throw new UsageError('--follow and --detach exclude each other');
  const { spec, warnings } = await loadSpecFile(opts.file);
  for (const w of warnings) stderr.write(`${w}\n`);
  await withKubehaClient(opts, async (kubeha) => {
    if (!(await kubeha.hasWorkers().catch(() => true))) {
      stdout.write(`no kubeha worker is polling task queue ${kubeha.taskQueue}: the bring-up waits until one does (start it with: kubeha worker)\n`);
    }
    const started = await kubeha.startBringUp(spec, { requestedBy: opts.by ?? callerIdentity(opts) });
    const queued = started.queuePosition > 0 ? `, queued behind ${started.queuePosition} operation(s)` : '';
    stdout.write(`bring-up of ${spec.name} started (workflow ${started.workflowId}, operation ${started.operationId}${queued})\n`);
    if (opts.detach) {
      stdout.write(`follow it with: kubeha status ${spec.name}\n`);
      return;
    }
    await followBringUp(kubeha, spec.name, { out: stdout, operationId: started.operationId });
  });
}

export function registerUp(program: Command): void {
  withTemporalOptions(
    program
      .command('up')
      .description('Bring up the cluster a spec describes, as a durable workflow')
      .requiredOption('-f, --file <file>', 'cluster spec (YAML)')
      .option('--follow', 'print progress until the bring-up ends (default)')
      .option('--detach', 'start the bring-up and return at once'),
  ).action(async (opts: UpOptions) => {
    await runUp(opts);
  });
}
