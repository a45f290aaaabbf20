/** `kubeadm token create|list|delete` and `kubeadm certs certificate-key`. */
import type { SimContext } from '../context';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { flagBool } from '../flags';
import { caCertHash } from '../pki';
import { readStore, updateStore } from '../store';
import { modelElapsed } from '../time';
import { parseDuration } from './duration';
import { workerJoinCommand } from './join-text';
import { makeToken, newToken, TOKEN_RE } from './tokens';
import { out } from '../output';

function requireCluster(ctx: SimContext) {
  const cluster = readStore(ctx.identity.labDir).cluster;
  if (!cluster) {
    throw new SimExit(`failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory\nTo see the stack trace of this error execute with --v=5 or higher`, 1);
  }
  return cluster;
}

export async function tokenCreate(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const cluster = requireCluster(ctx);
  const token = p.positional[2] ?? newToken();
  if (!TOKEN_RE.test(token)) throw new SimExit(`token "${token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`, 1);
  const ttl = parseDuration(p.flags.get('ttl') ?? '24h0m0s');
  if (ttl === undefined) throw new SimExit(`invalid argument "${p.flags.get('ttl')}" for "--ttl" flag: time: invalid duration "${p.flags.get('ttl')}"`, 1);
  await updateStore(ctx.identity.labDir, (s) => {
    s.tokens = s.tokens.filter((t) => t.token !== token);
    s.tokens.push({ ...makeToken(ctx.config, token, ttl), description: p.flags.get('description') ?? '' });
  });
  if (flagBool(p, 'print-join-command')) out(`${workerJoinCommand({ endpoint: cluster.controlPlaneEndpoint, token, caHash: caCertHash(cluster.caCert) }).replace(' \\\n\t', ' ')}\n`);
  else out(`${token}\n`);
  return 0;
}

function goTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export async function tokenList(_p: ParsedArgs, ctx: SimContext): Promise<number> {
  requireCluster(ctx);
  const now = Date.now();
  const tokens = readStore(ctx.identity.labDir).tokens.filter((t) => t.expiresAt > now);
  const rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
  for (const t of tokens) {
    const never = t.expiresAt === Number.MAX_SAFE_INTEGER;
    const modelLeft = modelElapsed(ctx.config, t.expiresAt - now);
    const modelExpiry = now + modelLeft;
    rows.push([
      t.token,
      never ? '<forever>' : `${Math.max(0, Math.floor(modelLeft / 3_600_000))}h`,
      never ? '<never>' : goTime(modelExpiry),
      t.usages.join(','),
      t.description || '<none>',
      t.groups.join(','),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  out(rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('')).join('\n') + '\n');
  return 0;
}

export async function tokenDelete(p: ParsedArgs, ctx: SimContext): Promise<number> {
  requireCluster(ctx);
  const ids = p.positional.slice(2);
  if (ids.length === 0) throw new SimExit('missing subcommand; \'token delete\' is missing token of form "^([a-z0-9]{6})$" or "^([a-z0-9]{6})\\.([a-z0-9]{16})$"', 1);
  for (const id of ids) {
    const found = await updateStore(ctx.identity.labDir, (s) => {
      const before = s.tokens.length;
      s.tokens = s.tokens.filter((t) => t.token !== id && !t.token.startsWith(`${id}.`));
      return s.tokens.length < before;
    });
    if (!found) throw new SimExit(`failed to delete bootstrap token: secrets "bootstrap-token-${id.split('.')[0]}" not found`, 1);
    out(`bootstrap token "${id.split('.')[0]}" deleted\n`);
  }
  return 0;
}
