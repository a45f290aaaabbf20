import type { PlanStep } from '../plan/steps';
import type { CertificatesResult, DrillProgress, OperationRecord } from '../shared/operations';

/**
 * The documents `--json` prints for the commands whose text is a table (docs/CLI-JSON.md lists
 * every shape). Fields are only ever added; absent values are `null` rather than left out, so a
 * reader can tell "not known" from "not in this version".
 */

export interface CertificatesJson extends Omit<CertificatesResult, 'earliestExpiry'> {
  cluster: string;
  operation: OperationRecord;
  earliestExpiry: string | null;
}

export function certificatesJson(cluster: string, operation: OperationRecord, result: CertificatesResult): CertificatesJson {
  return { cluster, operation, action: result.action, renewWithinDays: result.renewWithinDays, earliestExpiry: result.earliestExpiry ?? null, renewed: result.renewed, warnings: result.warnings, hosts: result.hosts };
}

export interface DrillJson {
  cluster: string;
  operation: OperationRecord | null;
  /** `passed` when the operation succeeded, `failed` when it ended otherwise, `unknown` when it could not be read. */
  outcome: 'passed' | 'failed' | 'unknown';
  maxOutageMs: number | null;
  rows: DrillProgress['rows'];
  failure: DrillProgress['failure'] | null;
}

export function drillJson(cluster: string, operation: OperationRecord | undefined, progress: DrillProgress | undefined): DrillJson {
  const outcome = operation?.state !== 'ended' ? 'unknown' : operation.outcome === 'succeeded' ? 'passed' : 'failed';
  return { cluster, operation: operation ?? null, outcome, maxOutageMs: progress?.maxOutageMs ?? null, rows: progress?.rows ?? [], failure: progress?.failure ?? null };
}

export interface CodecKeysJson {
  /** Encrypts new payloads (and decrypts). */
  current: string;
  /** Every key id that decrypts, current first. */
  keys: string[];
}

export function codecKeysJson(keyIds: string[]): CodecKeysJson {
  return { current: keyIds[0] ?? '', keys: keyIds };
}

export interface UpgradeDryRunJson {
  cluster: string;
  from: string;
  to: string;
  maxUnavailable: number;
  /** Operations running or queued before it would start. */
  waitsBehind: number;
  steps: Array<Omit<PlanStep, 'id'> & { id: string }>;
}

export function upgradeDryRunJson(input: UpgradeDryRunJson): UpgradeDryRunJson {
  return { cluster: input.cluster, from: input.from, to: input.to, maxUnavailable: input.maxUnavailable, waitsBehind: input.waitsBehind, steps: input.steps };
}

export function jsonText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
