import type { Command } from 'commander';
import { UsageError } from '../errors';

// Placeholder until this command lands; replaced wholesale by its owner.
export function registerCancel(program: Command): void {
  program
    .command('cancel')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('kubeha cancel is not implemented yet');
    });
}
