/** Go-style (pflag) command lines: `--name=value`, `--name value`, boolean `--name`, `-o json`. */
import { SimExit } from './errors';

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string>;
  /** Flags given, in order (for "--config can not be mixed with" checks). */
  given: string[];
}

export function parseArgs(args: string[], booleans: ReadonlySet<string>, shortAliases: Record<string, string> = {}): ParsedArgs {
  const out: ParsedArgs = { positional: [], flags: new Map(), given: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      out.positional.push(...args.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let value: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq >= 0) value = arg.slice(eq + 1);
    } else if (/^-[a-zA-Z]$/.test(arg) || /^-[a-zA-Z]=/.test(arg)) {
      const short = arg[1] ?? '';
      name = shortAliases[short];
      if (!name) throw new SimExit(`Error: unknown shorthand flag: '${short}' in ${arg}`, 1);
      if (arg.length > 2) value = arg.slice(3);
    } else {
      out.positional.push(arg);
      continue;
    }
    if (value === undefined) {
      if (booleans.has(name)) value = 'true';
      else {
        const next = args[i + 1];
        if (next === undefined) throw new SimExit(`Error: flag needs an argument: --${name}`, 1);
        value = next;
        i++;
      }
    }
    const prev = out.flags.get(name);
    out.flags.set(name, prev !== undefined && name === 'ignore-preflight-errors' ? `${prev},${value}` : value);
    out.given.push(name);
  }
  return out;
}

export function flagBool(p: ParsedArgs, name: string): boolean {
  const v = p.flags.get(name);
  return v !== undefined && v !== 'false';
}
