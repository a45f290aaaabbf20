import type { Command } from 'commander';
import { UsageError } from '../errors';

// Placeholder until this command lands; replaced wholesale by its owner.
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('kubeha worker is not implemented yet');
    });
}
