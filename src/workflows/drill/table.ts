/** The drill's table, as `kubeha drill` prints it and the UI shows it. Pure (workflow and CLI). */
import type { DrillRow } from '../../shared/operations';

const HEADERS = ['CONTROL PLANE', 'STOPPED', 'OUTAGE', 'PROBES FAILED', 'ETCD HEALTHY', 'LEADER', 'RESTORED IN', 'VERDICT'];

const ms = (v: number | undefined): string => (v === undefined ? '-' : `${v} ms`);

export function drillTableRows(rows: readonly DrillRow[]): string[][] {
  return rows.map((r) => [
    r.host,
    r.stopped.join('+'),
    ms(r.outageMs),
    r.probes === undefined ? '-' : `${r.failedProbes ?? 0}/${r.probes}`,
    r.etcdMembers === undefined ? '-' : `${r.etcdHealthy ?? 0}/${r.etcdMembers}`,
    r.etcdLeader ?? (r.etcdMembers === undefined ? '-' : 'none'),
    ms(r.restoredMs),
    r.verdict,
  ]);
}

/** Columns padded like kubectl's tables; each failed row's problems follow the table. */
export function formatDrillTable(rows: readonly DrillRow[]): string {
  const body = drillTableRows(rows);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('');
  const out = [line(HEADERS), ...body.map(line)];
  for (const r of rows) for (const p of r.problems) out.push(`${r.host}: ${p}`);
  return `${out.join('\n')}\n`;
}
