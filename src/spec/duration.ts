const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `2h`, `15m`, `30s`, `250ms`, or compounds like `1h30m`. Undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|h|m|s))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|h|m|s)/g)) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return total;
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A measured duration for people, to the second: `2s`, `1m 30s`, `4h 1s`. */
export function formatElapsed(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total === 0) return `${ms}ms`;
  const parts = [
    [Math.floor(total / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'm'],
    [total % 60, 's'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}
