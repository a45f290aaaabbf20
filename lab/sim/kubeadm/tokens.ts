/** Bootstrap tokens: `[a-z0-9]{6}.[a-z0-9]{16}`, 24 h TTL (scaled). */
import { randomInt } from 'node:crypto';
import type { LabConfig } from '../../layout';
import type { BootstrapToken, DeepReadonly, LabStore } from '../store';
import { scaled, TTL } from '../time';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

function randomString(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function newToken(): string {
  return `${randomString(6)}.${randomString(16)}`;
}

/**
 * A token living `ttl`: kubeadm's defaults are model durations (scaled by the lab's time scale);
 * a TTL the caller gave explicitly (`--ttl`, `bootstrapTokens[].ttl`) is taken as real time, since
 * the orchestrator computes it from a spec whose lifetimes the lab already scaled.
 */
export function makeToken(config: Pick<LabConfig, 'timeScale'>, token: string, ttl: { explicitMs: number } | { modelMs: number } = { modelMs: TTL.bootstrapToken }, now = Date.now()): BootstrapToken {
  const ms = 'explicitMs' in ttl ? ttl.explicitMs : ttl.modelMs;
  return {
    token,
    createdAt: now,
    expiresAt: ms === 0 ? Number.MAX_SAFE_INTEGER : now + ('explicitMs' in ttl ? ms : scaled(config, ms)),
    ...('explicitMs' in ttl ? { realTime: true } : {}),
    description: '',
    usages: ['authentication', 'signing'],
    groups: ['system:bootstrappers:kubeadm:default-node-token'],
  };
}

/** The TTL of a token: explicit when the caller gave one, else kubeadm's 24 h default (model time). */
export function tokenTtl(explicitMs: number | undefined): { explicitMs: number } | { modelMs: number } {
  return explicitMs === undefined ? { modelMs: TTL.bootstrapToken } : { explicitMs };
}

/** An unexpired token with `usage` ("signing" for discovery, "authentication" for the TLS bootstrap). */
export function liveToken<T extends DeepReadonly<BootstrapToken>>(tokens: readonly T[], token: string, usage: 'signing' | 'authentication', now = Date.now()): T | undefined {
  return tokens.find((t) => t.token === token && t.expiresAt > now && t.usages.includes(usage));
}

/**
 * Deletes the token with this ID (its Secret "bootstrap-token-<id>"); when it owned the
 * kubeadm-certs Secret, the garbage collector takes that too. False when there was none.
 */
export function deleteToken(store: LabStore, id: string): boolean {
  const gone = store.tokens.filter((t) => t.token.startsWith(`${id}.`));
  store.tokens = store.tokens.filter((t) => !gone.includes(t));
  if (gone.some((t) => t.token === store.certs?.ownerToken)) delete store.certs;
  return gone.length > 0;
}
