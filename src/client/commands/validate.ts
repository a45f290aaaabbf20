import type { Command } from 'commander';
import { UsageError } from '../errors';

// Placeholder until this command lands; replaced wholesale by its owner.
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('kubeha validate is not implemented yet');
    });
}
