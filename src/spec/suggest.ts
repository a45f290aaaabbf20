/** "did you mean …?" for unknown spec fields: the known keys at that place, and the nearest one. */
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at `path` may be checked against (several under a union). */
function objectsAt(schema: z.ZodType, path: readonly (string | number)[]): Def[] {
  const def = defOf(schema);
  const inner = def.innerType ?? def.in ?? def.getter?.();
  if (inner) return objectsAt(inner, path);
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => objectsAt(o, path));
  if (path.length === 0) return def.type === 'object' ? [def] : [];
  const [head, ...rest] = path;
  if (def.type === 'array' && typeof head === 'number' && def.element) return objectsAt(def.element, rest);
  const child = def.type === 'object' && typeof head === 'string' ? def.shape?.[head] : undefined;
  return child ? objectsAt(child, rest) : [];
}

/** Field names the schema allows in the object at `path`. */
export function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[s.length] as number[])[t.length] as number;
}

/** The known name `unknown` is most likely a typo of, when one is close enough to say so. */
export function nearestName(unknown: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(unknown.length / 3)));
  const ranked = known.map((name) => ({ name, distance: editDistance(unknown, name) })).sort((x, y) => x.distance - y.distance);
  const best = ranked[0];
  if (!best || best.distance > limit) return undefined;
  // Two names equally close: no guess.
  return ranked[1]?.distance === best.distance ? undefined : best.name;
}
