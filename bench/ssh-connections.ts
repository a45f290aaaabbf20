/**
 * SSH connections per lab host, counted on the lab side: each host's sshd logs (LogLevel INFO,
 * `-e` to lab/hosts/sshd.ts's sshd.log) one `Accepted publickey for root from ...` line per
 * authenticated connection.
 */
import { readFileSync } from 'node:fs';
import { sshdLogPath } from '../lab/hosts/sshd';
import type { Spread } from './stats';
import { spread } from './stats';

const ACCEPTED = /Accepted publickey for /;

export function countAccepted(log: string): number {
  return log.split('\n').filter((line) => ACCEPTED.test(line)).length;
}

function acceptedOn(labDir: string, host: string): number {
  try {
    return countAccepted(readFileSync(sshdLogPath(labDir, host), 'utf8'));
  } catch {
    return 0;
  }
}

export type SshCounts = Record<string, number>;

export function sshConnections(labDir: string, hosts: readonly string[]): SshCounts {
  return Object.fromEntries(hosts.map((h) => [h, acceptedOn(labDir, h)]));
}

export interface SshFigures {
  total: number;
  perHost: Spread & { min?: number };
  byHost: SshCounts;
}

/** Connections made between two counts. */
export function sshFigures(before: SshCounts, after: SshCounts): SshFigures {
  const byHost = Object.fromEntries(Object.entries(after).map(([h, n]) => [h, n - (before[h] ?? 0)]));
  const values = Object.values(byHost);
  return { total: values.reduce((a, b) => a + b, 0), perHost: { ...spread(values), min: values.length ? Math.min(...values) : undefined }, byHost };
}
