/**
 * The one way a value enters a remote shell command. `q()` single-quotes for POSIX sh; the
 * `sh` tag accepts only `Quoted` values (or numbers), so an unquoted string interpolation is
 * a compile error.
 */
declare const quotedBrand: unique symbol;

/** A string safe to paste into a POSIX sh command line as one word (or a whole script fragment). */
export type Quoted = string & { readonly [quotedBrand]: true };

export function q(value: string | number): Quoted {
  const text = String(value);
  // A shell word cannot hold NUL: the command line would be cut there, silently changing it.
  if (text.includes('\0')) throw new Error('a value passed to a remote shell contains a NUL character');
  return `'${text.replace(/'/g, `'\\''`)}'` as Quoted;
}

/** Several words, each quoted, joined by spaces. */
export function qAll(values: readonly (string | number)[]): Quoted {
  return values.map((v) => q(v)).join(' ') as Quoted;
}

/** Literal shell text plus quoted values: the compiler rejects a raw string. */
export function sh(strings: TemplateStringsArray, ...values: (Quoted | number)[]): Quoted {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += typeof value === 'number' ? q(value) : value;
    out += strings[i + 1] ?? '';
  });
  return out as Quoted;
}

/** Joins fragments already built with `sh`/`q` into one multi-line script body. */
export function lines(...fragments: Quoted[]): Quoted {
  return fragments.join('\n') as Quoted;
}

/** A complete remote script: what `SshPool.run` accepts. */
export interface Script {
  /** Template name, used in logs and errors instead of the (possibly secret-bearing) text. */
  readonly name: string;
  readonly text: Quoted;
}

export interface ScriptTemplate<I> {
  readonly name: string;
  render(input: I): Script;
}

/**
 * A named remote script. `guard` runs first: a shell condition that, when true, means the
 * effect is already there, so the script prints `guardMessage` and exits 0.
 */
export function defineScript<I>(
  name: string,
  parts: { guard?: (input: I) => Quoted; guardMessage?: string; body: (input: I) => Quoted },
): ScriptTemplate<I> {
  return {
    name,
    render(input: I): Script {
      const head = ['set -euo pipefail'];
      const guard = parts.guard?.(input);
      if (guard) {
        head.push(`if ${guard}; then echo ${q(parts.guardMessage ?? `${name}: already done`)}; exit 0; fi`);
      }
      return { name, text: [...head, parts.body(input)].join('\n') as Quoted };
    },
  };
}
