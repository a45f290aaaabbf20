import type { Command } from 'commander';
import { UsageError } from '../errors';

// Placeholder until this command lands; replaced wholesale by its owner.
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('kubeha up is not implemented yet');
    });
}
