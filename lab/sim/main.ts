/**
 * The frame of every simulated command: load the host context, honour a fail-next fault for
 * this command line, run, and turn a SimExit into stderr + exit code (never a stack trace).
 */
import { loadContext } from './context';
import type { SimContext } from './context';
import { SimExit } from './errors';
import { consumeFailNext } from './faults-file';
import { out, errOut } from './output';

export type SimCommand = (args: string[], ctx: SimContext) => Promise<number | void>;

export function runMain(name: string, command: SimCommand): void {
  const args = process.argv.slice(2);
  const run = async (): Promise<number> => {
    const ctx = loadContext();
    const fault = await consumeFailNext(ctx.identity.labDir, ctx.identity.name, [name, ...args].join(' '));
    if (fault) throw new SimExit(fault.message, fault.exitCode);
    return (await command(args, ctx)) ?? 0;
  };
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof SimExit) {
        if (err.stdout) out(err.stdout);
        if (err.message) errOut(err.message.endsWith('\n') ? err.message : `${err.message}\n`);
        process.exitCode = err.code;
      } else {
        errOut(`${name}: ${(err as Error).message ?? String(err)}\n`);
        if (process.env.KUBEHA_DEBUG) errOut(`${(err as Error).stack ?? ''}\n`);
        process.exitCode = 1;
      }
    },
  );
}
