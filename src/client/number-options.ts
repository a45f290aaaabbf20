import { UsageError } from './errors';

/** A command-line number that must be a whole number of at least `min`; names the flag otherwise. */
export function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number >= ${min} (got "${value}")`);
  return n;
}

/** A command-line number that must be positive (fractions allowed); names the flag otherwise. */
export function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number (got "${value}")`);
  return n;
}
