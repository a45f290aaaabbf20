/** The host clock preflight reads, run by real bash: from EPOCHREALTIME, or from date where bash has none. */
import { execFileSync } from 'node:child_process';
import { HOST_CLOCK_MS } from '../../../src/remote/preflight';

function clockMs(prefix = ''): { printed: string; before: number; after: number } {
  const before = Date.now();
  const printed = execFileSync('bash', ['-c', `set -euo pipefail; ${prefix}${HOST_CLOCK_MS}`], { encoding: 'utf8' }).trim();
  return { printed, before, after: Date.now() };
}

it('prints epoch milliseconds from bash 5 EPOCHREALTIME', () => {
  const { printed, before, after } = clockMs();
  expect(printed).toMatch(/^\d{13}$/);
  expect(Number(printed)).toBeGreaterThanOrEqual(before - 1);
  expect(Number(printed)).toBeLessThanOrEqual(after + 1);
});

it('falls back to date when the shell has no EPOCHREALTIME (bash before 5)', () => {
  // Unset, EPOCHREALTIME loses its special meaning for the rest of the shell, as in bash 4.
  const { printed } = clockMs('unset EPOCHREALTIME; date() { echo "from-date $*"; }; ');
  expect(printed).toBe('from-date +%s%3N');
});

it('reads a comma decimal separator as well (LC_NUMERIC of some locales)', () => {
  const { printed } = clockMs('EPOCHREALTIME_SAMPLE=1700000000,123456; unset EPOCHREALTIME; EPOCHREALTIME=$EPOCHREALTIME_SAMPLE; ');
  expect(printed).toBe('1700000000123');
});
