import pc from 'picocolors';
import { InputError, KubehaError } from './errors';

/** The one place an error becomes text on stderr and an exit code. */
export function reportError(err: unknown): number {
  if (err instanceof InputError) {
    for (const line of err.problems) process.stderr.write(`${line}\n`);
  }
  if (err instanceof KubehaError) {
    process.stderr.write(`${pc.red('error:')} ${err.message}\n`);
    if (err.hint) process.stderr.write(`${pc.dim('hint:')} ${err.hint}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${pc.red('internal error:')} ${message}\n`);
  if (process.env.KUBEHA_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write(`${pc.dim('hint:')} this is a kubeha bug; re-run with KUBEHA_DEBUG=1 for a stack trace and report it\n`);
  return 70;
}
