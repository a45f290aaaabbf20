/** `kubeadm token create|list|delete`, through the admin kubeconfig (--kubeconfig) as kubeadm does. */
import type { SimContext } from '../context';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { flagBool } from '../flags';
import { out } from '../output';
import { caCertHash } from '../pki';
import { readStore, updateStore } from '../store';
import { modelElapsed, TTL } from '../time';
import { adminClient } from './admin-client';
import { parseDuration } from './duration';
import { workerJoinCommand } from './join-text';
import { tokenJson, tokenTable, tokenYaml } from './token-print';
import { deleteToken, makeToken, newToken, TOKEN_RE } from './tokens';

const STACK_HINT = 'To see the stack trace of this error execute with --v=5 or higher';
const fail = (message: string) => new SimExit(`${message}\n${STACK_HINT}`, 1);
/** bootstrapapi.BootstrapTokenPattern and BootstrapTokenIDPattern as Go's %q prints them. */
const TOKEN_PATTERN = '"\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z"';
const TOKEN_ID_PATTERN = '"\\\\A([a-z0-9]{6})\\\\z"';
const SECRETS = '/api/v1/namespaces/kube-system/secrets';

export async function tokenCreate(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const token = p.positional[2] ?? newToken();
  if (!TOKEN_RE.test(token)) throw new SimExit(`token "${token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`, 1);
  const ttl = p.flags.has('ttl') ? parseDuration(p.flags.get('ttl') ?? '') : TTL.bootstrapToken;
  if (ttl === undefined) throw new SimExit(`invalid argument "${p.flags.get('ttl')}" for "--ttl" flag: time: invalid duration "${p.flags.get('ttl')}"`, 1);
  const client = await adminClient(p.flags.get('kubeconfig'), fail, `${SECRETS}/bootstrap-token-${token.slice(0, 6)}?timeout=10s`);
  await updateStore(ctx.identity.labDir, (s) => {
    s.tokens = s.tokens.filter((t) => t.token !== token);
    s.tokens.push({ ...makeToken(ctx.config, token, p.flags.has('ttl') ? { explicitMs: ttl } : { modelMs: ttl }), description: p.flags.get('description') ?? '' });
  });
  if (flagBool(p, 'print-join-command')) {
    const endpoint = client.server.replace(/^https:\/\//, '');
    out(`${workerJoinCommand({ endpoint, token, caHash: caCertHash(client.ca ?? '') }).replace(' \\\n\t', ' ')}\n`);
  } else out(`${token}\n`);
  return 0;
}

export async function tokenList(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const format = p.flags.get('output') ?? p.flags.get('experimental-output') ?? 'text';
  const printers = { text: tokenTable, json: tokenJson, yaml: tokenYaml } as const;
  const print = printers[format as keyof typeof printers];
  if (!print) {
    throw fail(`could not construct output printer: unable to match a printer suitable for the output format "${format}", allowed formats are: json,yaml,text (the lab has no template printers)`);
  }
  await adminClient(p.flags.get('kubeconfig'), fail, `${SECRETS}?fieldSelector=type%3Dbootstrap.kubernetes.io%2Ftoken`);
  const now = Date.now();
  const tokens = readStore(ctx.identity.labDir).tokens
    .filter((t) => t.expiresAt > now)
    .map((token) => {
      const never = token.expiresAt === Number.MAX_SAFE_INTEGER;
      const leftMs = never ? 0 : token.realTime ? token.expiresAt - now : modelElapsed(ctx.config, token.expiresAt - now);
      return { token, leftMs, expires: never ? undefined : new Date(now + leftMs).toISOString().replace(/\.\d+Z$/, 'Z') };
    });
  out(print(tokens));
  return 0;
}

export async function tokenDelete(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const ids = p.positional.slice(2);
  if (ids.length === 0) throw fail(`missing argument; 'token delete' is missing token of form ${TOKEN_PATTERN} or ${TOKEN_ID_PATTERN}`);
  await adminClient(p.flags.get('kubeconfig'), fail, SECRETS);
  for (const given of ids) {
    if (!/^[a-z0-9]{6}$/.test(given) && !TOKEN_RE.test(given)) throw fail(`given token didn't match pattern ${TOKEN_PATTERN} or ${TOKEN_ID_PATTERN}`);
    const id = given.slice(0, 6);
    const found = await updateStore(ctx.identity.labDir, (s) => deleteToken(s, id));
    if (!found) throw fail(`failed to delete bootstrap token "${id}": secrets "bootstrap-token-${id}" not found`);
    out(`bootstrap token "${id}" deleted\n`);
  }
  return 0;
}
