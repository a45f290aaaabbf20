/**
 * `kubeadm certs check-expiration`'s text output read into rows, and the one place that judges
 * expiry dates (what is within the renewal threshold, the earliest expiry, what to warn about).
 * Pure: the workflow and the activities both import it.
 */
import type { CertificateExpiry, HostCertificates } from '../shared/operations';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

/** kubeadm's `Jan 02, 2006 15:04 MST` (always UTC on kubeadm's hosts) as an ISO time. */
export function parseKubeadmTime(text: string): string | undefined {
  const m = /^([A-Z][a-z]{2}) (\d{2}), (\d{4}) (\d{2}):(\d{2}) UTC$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1] as string);
  if (month < 0) return undefined;
  return new Date(Date.UTC(Number(m[3]), month, Number(m[2]), Number(m[4]), Number(m[5]))).toISOString();
}

export interface CheckExpirationTables {
  certificates: CertificateExpiry[];
  authorities: CertificateExpiry[];
}

/** Columns are padded with at least three spaces (tabwriter padding 3); a value holds single spaces at most. */
const cells = (line: string): string[] => line.trim().split(/\s{2,}/);

/**
 * The CERTIFICATE table and the CERTIFICATE AUTHORITY table; `[check-expiration]` log lines and
 * blank lines are skipped, a `!MISSING! ` prefix is dropped. Undefined when neither header is there.
 */
export function parseCheckExpiration(output: string): CheckExpirationTables | undefined {
  const tables: CheckExpirationTables = { certificates: [], authorities: [] };
  let table: 'certificates' | 'authorities' | undefined;
  let seen = false;
  for (const raw of output.split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '' || line.startsWith('[')) {
      if (line.trim() === '') table = undefined;
      continue;
    }
    const row = cells(line);
    if (row[0] === 'CERTIFICATE' && row[1] === 'EXPIRES') {
      table = 'certificates';
      seen = true;
      continue;
    }
    if (row[0] === 'CERTIFICATE AUTHORITY' && row[1] === 'EXPIRES') {
      table = 'authorities';
      seen = true;
      continue;
    }
    if (!table) continue;
    const name = (row[0] ?? '').replace(/^!MISSING!\s*/, '');
    const expires = parseKubeadmTime(row[1] ?? '');
    if (!name || !expires) continue;
    if (table === 'certificates') {
      tables.certificates.push({ name, expires, residual: row[2] ?? '', authority: row[3] ?? '', externallyManaged: row[4] === 'yes' });
    } else {
      tables.authorities.push({ name, expires, residual: row[2] ?? '', externallyManaged: row[3] === 'yes' });
    }
  }
  return seen ? tables : undefined;
}

/** Within the threshold: expires before `now + withinDays`. */
export function expiresWithin(expires: string, now: number, withinDays: number): boolean {
  return Date.parse(expires) < now + withinDays * DAY_MS;
}

/** Certificates `kubeadm certs renew all` would renew because of the threshold (never CAs, never externally managed ones). */
export function certificatesToRenew(host: Pick<HostCertificates, 'certificates'>, now: number, withinDays: number): string[] {
  return host.certificates.filter((c) => !c.externallyManaged && expiresWithin(c.expires, now, withinDays)).map((c) => c.name);
}

/** Earliest expiry of a (non-CA) certificate over the hosts. */
export function earliestExpiry(hosts: readonly Pick<HostCertificates, 'certificates'>[]): string | undefined {
  const times = hosts.flatMap((h) => h.certificates.map((c) => c.expires)).sort();
  return times[0];
}

/** What kubeadm cannot renew for us, or the kubelet will not rotate by itself. */
export function certificateWarnings(hosts: readonly HostCertificates[], now: number, withinDays: number): string[] {
  const warnings: string[] = [];
  for (const h of hosts) {
    for (const ca of h.authorities) {
      if (expiresWithin(ca.expires, now, withinDays)) warnings.push(`${h.host}: CA ${ca.name} expires ${ca.expires}; kubeadm certs renew does not renew CAs (see kubeadm's manual CA rotation)`);
    }
    for (const c of h.certificates) {
      if (c.externallyManaged && expiresWithin(c.expires, now, withinDays)) warnings.push(`${h.host}: ${c.name} is externally managed and expires ${c.expires}`);
    }
    if (h.kubeletRotateCertificates === false) warnings.push(`${h.host}: the kubelet does not rotate its client certificate (rotateCertificates is not true in /var/lib/kubelet/config.yaml)`);
    if (h.kubeletClientExpires && expiresWithin(h.kubeletClientExpires, now, withinDays)) {
      warnings.push(`${h.host}: the kubelet client certificate expires ${h.kubeletClientExpires}${h.kubeletRotateCertificates ? ' (rotation is on: the kubelet should renew it)' : ''}`);
    }
  }
  return warnings;
}

/** The result's per-host table for people: one line per certificate, CAs after. */
export function formatCertificateTable(hosts: readonly HostCertificates[], now: number): string {
  const rows: string[][] = [['HOST', 'CERTIFICATE', 'EXPIRES', 'RESIDUAL', 'CA', 'RENEWED']];
  for (const h of hosts) {
    for (const c of h.certificates) rows.push([h.host, c.name, c.expires.replace(/:00\.000Z$/, 'Z'), `${Math.floor((Date.parse(c.expires) - now) / DAY_MS)}d`, c.authority ?? '', h.renewed ? 'yes' : 'no']);
    for (const c of h.authorities) rows.push([h.host, `${c.name} (CA)`, c.expires.replace(/:00\.000Z$/, 'Z'), `${Math.floor((Date.parse(c.expires) - now) / DAY_MS)}d`, '', '']);
    if (h.kubeletClientExpires) rows.push([h.host, 'kubelet-client-current.pem', h.kubeletClientExpires.replace(/\.000Z$/, 'Z'), `${Math.floor((Date.parse(h.kubeletClientExpires) - now) / DAY_MS)}d`, `rotate=${h.kubeletRotateCertificates ? 'true' : 'false'}`, '']);
    if (h.servingNotAfter) rows.push([h.host, 'served by kube-apiserver', h.servingNotAfter.replace(/\.000Z$/, 'Z'), `${Math.floor((Date.parse(h.servingNotAfter) - now) / DAY_MS)}d`, '', '']);
  }
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n')}\n`;
}
