import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { InputError } from '../errors';
import { normalize } from './normalize';
import { formatPath, locate } from './positions';
import { Problems } from './problems';
import type { Problem } from './problems';
import { specSchema } from './schema';
import type { RawSpec } from './schema';
import { checkSemantics } from './semantic';
import { knownKeysAt, nearestName } from './suggest';
import type { ClusterSpec } from './types';

export interface LoadedSpec {
  spec: ClusterSpec;
  /** `FILE:LINE:COL: warning: ...` lines. */
  warnings: string[];
}

export interface ParseOptions {
  /** Relative paths in the spec resolve against this directory (default: the file's directory). */
  baseDir?: string;
  homeDir?: string;
}

export async function loadSpecFile(file: string, opts: Omit<ParseOptions, 'baseDir'> = {}): Promise<LoadedSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : ((err as Error).message ?? String(err));
    throw new InputError(`cannot read spec ${file}: ${why}`, [], 'pass the path of a cluster spec with -f (see examples/ha-3-masters.yaml)');
  }
  return parseSpec(text, file, { ...opts, baseDir: path.dirname(path.resolve(file)) });
}

/** Parses, validates and normalizes a spec. Throws InputError listing every problem. */
export function parseSpec(text: string, fileName: string, opts: ParseOptions = {}): LoadedSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return `${fileName}:${pos.line}:${pos.col}: YAML syntax: ${e.message.split('\n')[0]}`;
    });
    throw invalid(fileName, problems);
  }
  const raw: unknown = doc.toJS();
  const found = new Problems();
  const result = specSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) schemaProblem(issue, raw, found);
  }
  checkSemantics(raw, found);

  const render = (p: Problem) => {
    const { line, col } = locate(doc as Document, lines, p.path, p.at);
    const where = p.path.length > 0 ? `${formatPath(p.path)}: ` : '';
    return `${fileName}:${line}:${col}: ${p.severity === 'warning' ? 'warning: ' : ''}${where}${p.message}`;
  };
  const sorted = sortByPosition(found.list.map((p) => ({ p, text: render(p) })));
  const errors = sorted.filter((x) => x.p.severity === 'error').map((x) => x.text);
  const warnings = sorted.filter((x) => x.p.severity === 'warning').map((x) => x.text);
  if (errors.length > 0 || !result.success) throw invalid(fileName, [...errors, ...warnings]);
  const spec = normalize(result.data as RawSpec, { baseDir: opts.baseDir ?? process.cwd(), homeDir: opts.homeDir });
  return { spec, warnings };
}

function invalid(fileName: string, problems: string[]): InputError {
  const count = problems.filter((p) => !/: warning: /.test(p)).length;
  return new InputError(`${fileName}: ${count} problem${count === 1 ? '' : 's'} in the cluster spec`, problems, 'fix the lines above and run kubeha validate again');
}

function sortByPosition<T extends { text: string }>(items: T[]): T[] {
  const key = (t: string) => {
    const m = /:(\d+):(\d+): /.exec(t);
    return m ? Number(m[1]) * 100_000 + Number(m[2]) : 0;
  };
  return [...items].sort((a, b) => key(a.text) - key(b.text));
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  expected?: string;
  values?: unknown[];
  /** invalid_union: the issues of each alternative, paths relative to the union. */
  errors?: Issue[][];
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let v = raw;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}

function schemaProblem(issue: Issue, raw: unknown, found: Problems): void {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(specSchema, path);
    for (const key of issue.keys ?? []) {
      const nearest = nearestName(key, known);
      found.error([...path, key], `unknown field ${JSON.stringify(key)}${nearest ? `; did you mean ${JSON.stringify(nearest)}?` : ''}`, 'key');
    }
    return;
  }
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    // Report the alternative that got furthest into the value (e.g. the object form once it is an object).
    const depth = (issues: Issue[]) => Math.max(...issues.map((i) => i.path.length));
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    for (const inner of best) schemaProblem({ ...inner, path: [...path, ...inner.path] }, raw, found);
    return;
  }
  const value = valueAt(raw, path);
  if (issue.code === 'invalid_type' && value === undefined) {
    found.error(path, `missing required field ${JSON.stringify(path[path.length - 1])}`);
    return;
  }
  if (issue.code === 'invalid_type') {
    found.error(path, `expected ${issue.expected}, got ${value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value}`);
    return;
  }
  if (issue.code === 'invalid_value' && issue.values) {
    found.error(path, `${JSON.stringify(value)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`);
    return;
  }
  if (issue.code === 'too_small' && Array.isArray(value)) {
    found.error(path, 'must not be empty');
    return;
  }
  found.error(path, issue.message.replace(/^Too small: expected number to be >=/, 'must be at least ').replace(/^Too big: expected number to be <=/, 'must be at most '));
}
