/**
 * The Secrets of the lab store kubectl can see: kube-system/kubeadm-certs (the uploaded
 * certificates) and kube-system/bootstrap-token-<id> per live bootstrap token.
 */
import type { SimContext } from '../context';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { currentCertsSecret } from '../kubeadm/upload-certs';
import { deleteToken } from '../kubeadm/tokens';
import { errOut, out } from '../output';
import { SHARED_CERT_FILES } from '../pki';
import { readStore, updateStore } from '../store';
import type { StoreView } from '../store';
import { age } from './objects';

interface SecretRow {
  name: string;
  type: string;
  data: number;
  createdAt: number;
}

function secrets(ctx: SimContext, store: StoreView, now = Date.now()): SecretRow[] {
  const rows: SecretRow[] = [];
  const certs = currentCertsSecret(ctx.identity.labDir, store, now);
  if (certs) rows.push({ name: 'kubeadm-certs', type: 'Opaque', data: certs.entries ?? SHARED_CERT_FILES.length, createdAt: certs.uploadedAt });
  for (const t of store.tokens.filter((x) => x.expiresAt > now)) {
    // token-id, token-secret, expiration, one key per usage, auth-extra-groups, description.
    const data = 2 + (t.expiresAt === Number.MAX_SAFE_INTEGER ? 0 : 1) + t.usages.length + (t.groups.length ? 1 : 0) + (t.description ? 1 : 0);
    rows.push({ name: `bootstrap-token-${t.token.slice(0, 6)}`, type: 'bootstrap.kubernetes.io/token', data, createdAt: t.createdAt });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

const notFound = (name: string) => new SimExit(`Error from server (NotFound): secrets "${name}" not found`, 1);
const namespaceOf = (p: ParsedArgs) => p.flags.get('namespace') ?? 'default';

export function getSecrets(p: ParsedArgs, ctx: SimContext): void {
  const name = p.positional[2];
  const ns = namespaceOf(p);
  let rows = ns === 'kube-system' ? secrets(ctx, readStore(ctx.identity.labDir)) : [];
  if (name) {
    rows = rows.filter((r) => r.name === name);
    if (rows.length === 0) throw notFound(name);
  }
  const o = p.flags.get('output');
  if (o === 'name') {
    out(rows.map((r) => `secret/${r.name}\n`).join(''));
    return;
  }
  if (o !== undefined) throw new SimExit(`error: unable to match a printer suitable for the output format "${o}" in the lab (supported: name and the table)`, 1);
  if (rows.length === 0) {
    errOut(`No resources found in ${ns} namespace.\n`);
    return;
  }
  const table = [['NAME', 'TYPE', 'DATA', 'AGE'], ...rows.map((r) => [r.name, r.type, String(r.data), age(ctx.config, r.createdAt)])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  out(table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('')).join('\n') + '\n');
}

export async function deleteSecrets(p: ParsedArgs, ctx: SimContext): Promise<void> {
  const ignoreNotFound = p.flags.get('ignore-not-found') === 'true';
  for (const name of p.positional.slice(2)) {
    const found = namespaceOf(p) === 'kube-system' && await updateStore(ctx.identity.labDir, (s) => {
      if (name === 'kubeadm-certs') {
        const had = currentCertsSecret(ctx.identity.labDir, s) !== undefined;
        delete s.certs;
        return had;
      }
      const id = /^bootstrap-token-([a-z0-9]{6})$/.exec(name)?.[1];
      return id !== undefined && deleteToken(s, id);
    });
    if (found) out(`secret "${name}" deleted\n`);
    else if (!ignoreNotFound) throw notFound(name);
  }
}
