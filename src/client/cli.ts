import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands';
import { reportError } from './report-error';

async function main(argv: string[]): Promise<number> {
  const program = new Command('kubeha')
    .description('High-availability Kubernetes clusters with kubeadm, as durable Temporal workflows')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    return reportError(err);
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(reportError(err)),
);
