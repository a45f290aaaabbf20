/**
 * The frame of every simulated command: load the host context, honour a fail-next fault for
 * this command line, run, and turn a SimExit into stderr + exit code (never a stack trace).
 * A command module calls runMain once; run as a script it runs the command, loaded by the
 * lab's simulator server (collectCommands) it only registers it.
 */
import { loadContext, simEnv } from './context';
import type { SimContext } from './context';
import { SimExit } from './errors';
import { consumeFailNext } from './faults-file';
import { SessionGone } from './invocation';
import { out, errOut, SIGPIPE_EXIT } from './output';

export type SimCommand = (args: string[], ctx: SimContext) => Promise<number | void>;

let collected: Map<string, SimCommand> | undefined;

/** The commands that `load` registers (by requiring their modules), instead of running them. */
export function collectCommands(load: () => void): Map<string, SimCommand> {
  const commands = new Map<string, SimCommand>();
  collected = commands;
  try {
    load();
  } finally {
    collected = undefined;
  }
  return commands;
}

function report(name: string, err: unknown): number {
  if (err instanceof SimExit) {
    if (err.stdout) out(err.stdout);
    if (err.message) errOut(err.message.endsWith('\n') ? err.message : `${err.message}\n`);
    return err.code;
  }
  errOut(`${name}: ${(err as Error).message ?? String(err)}\n`);
  if (simEnv('KUBEHA_DEBUG')) errOut(`${(err as Error).stack ?? ''}\n`);
  return 1;
}

/** Runs one command line to its exit code. */
export async function runCommand(name: string, command: SimCommand, args: string[]): Promise<number> {
  try {
    const ctx = loadContext();
    const fault = await consumeFailNext(ctx.identity.labDir, ctx.identity.name, [name, ...args].join(' '));
    if (fault) throw new SimExit(fault.message, fault.exitCode);
    return (await command(args, ctx)) ?? 0;
  } catch (err) {
    if (err instanceof SessionGone) return SIGPIPE_EXIT;
    try {
      return report(name, err);
    } catch (again) {
      if (again instanceof SessionGone) return SIGPIPE_EXIT;
      throw again;
    }
  }
}

export function runMain(name: string, command: SimCommand): void {
  if (collected) {
    collected.set(name, command);
    return;
  }
  void runCommand(name, command, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
