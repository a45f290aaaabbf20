import type { Command } from 'commander';
import { loadSpecFile } from '../../spec/load';
import { followOperation } from '../follow-operation';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';
import { callerIdentity } from '../who';

export interface ApplyOptions extends TemporalFlags {
  file: string;
  detach?: boolean;
  /** Tests and embedding only: the CLI records the caller's identity. */
  by?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/**
 * Asks the cluster's workflow to bring its workers to what the spec lists: new ones preflighted
 * and joined, dropped ones drained, deleted and reset after the before-remove-workers gate. Any
 * other difference from the recorded spec is refused, naming it, before anything is queued.
 */
export async function runApply(opts: ApplyOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const { spec, warnings } = await loadSpecFile(opts.file);
  for (const w of warnings) (opts.stderr ?? process.stderr).write(`${w}\n`);
  await withKubehaClient(opts, async (kubeha) => {
    const accepted = await kubeha.request(spec.name, { kind: 'apply', spec, requestedBy: opts.by ?? callerIdentity(opts) });
    const where = accepted.queuePosition === 0 ? 'starts now' : `queued behind ${accepted.queuePosition} operation(s)`;
    stdout.write(`apply of ${opts.file} to ${spec.name} accepted as ${accepted.operationId} (${where}; workflow ${accepted.workflowId})\n`);
    if (opts.detach) {
      stdout.write(`follow it with: kubeha ops ${spec.name}\n`);
      return;
    }
    await followOperation(kubeha, spec.name, accepted.operationId, { out: stdout });
  });
}

export function registerApply(program: Command): void {
  withTemporalOptions(
    program
      .command('apply')
      .description("Grow or shrink a cluster's workers to what an updated spec lists (removals wait for approval at before-remove-workers)")
      .requiredOption('-f, --file <file>', 'the cluster spec (YAML) as it should be')
      .option('--detach', 'request it and return at once'),
  ).action(async (opts: ApplyOptions) => {
    await runApply(opts);
  });
}
