/**
 * `kubeadm token list` output: the text printer (one tabwriter per token, the header flushed
 * with the first, cells pre-padded as kubeadm's formatBootstrapToken does), `-o json` (one
 * indented output.kubeadm.k8s.io/v1alpha3 BootstrapToken object per token) and `-o yaml` (the
 * same objects, keys sorted as sigs.k8s.io/yaml writes them, `---` between them).
 */
import { stringify } from 'yaml';
import type { BootstrapToken, DeepReadonly } from '../store';

export interface ListedToken {
  token: DeepReadonly<BootstrapToken>;
  /** Model time (RFC 3339) the token expires, undefined for a token that never does. */
  expires?: string;
  /** Model milliseconds left. */
  leftMs: number;
}

const COLUMNS = ['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'];

/** k8s.io/apimachinery duration.ShortHumanDuration. */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** text/tabwriter with minwidth 10, padding 3, padchar ' ': every cell but a line's last is padded to its column. */
function tabwrite(lines: string[][]): string {
  const widths: number[] = [];
  for (const cells of lines) cells.slice(0, -1).forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, Math.max(10, c.length + 3))));
  return lines.map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('') + '\n').join('');
}

function row({ token: t, expires, leftMs }: ListedToken): string[] {
  const ttl = expires === undefined ? '<forever>' : shortHumanDuration(leftMs);
  return [
    t.token,
    ttl.padEnd(9),
    expires ?? '<never>',
    (t.usages.join(',') || '<none>').padEnd(22),
    (t.description || '<none>').padEnd(56),
    t.groups.join(',') || '<none>',
  ];
}

export function tokenTable(tokens: ListedToken[]): string {
  return tokens.map((t, i) => tabwrite(i === 0 ? [COLUMNS, row(t)] : [row(t)])).join('');
}

function outputObject({ token: t, expires }: ListedToken) {
  return {
    kind: 'BootstrapToken',
    apiVersion: 'output.kubeadm.k8s.io/v1alpha3',
    token: t.token,
    ...(t.description ? { description: t.description } : {}),
    ...(expires ? { expires } : {}),
    ...(t.usages.length ? { usages: t.usages } : {}),
    ...(t.groups.length ? { groups: t.groups } : {}),
  };
}

export function tokenJson(tokens: ListedToken[]): string {
  return tokens.map((t) => `${JSON.stringify(outputObject(t), null, 4)}\n`).join('');
}

export function tokenYaml(tokens: ListedToken[]): string {
  return tokens.map((t, i) => `${i > 0 ? '---\n' : ''}${stringify(outputObject(t), { sortMapEntries: true })}`).join('');
}
