import type { Command } from 'commander';
import { UsageError } from '../errors';

// Placeholder until this command lands; replaced wholesale by its owner.
export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('kubeha dev is not implemented yet');
    });
}
