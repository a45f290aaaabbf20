/**
 * OpenSSH known_hosts: parse, match (plain, hashed `|1|salt|hash`, `[host]:port`, comma
 * lists), verify the key a server presents, and append trust-on-first-use entries.
 */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';

export interface KnownHostEntry {
  /** 1-based line number in the file. */
  line: number;
  marker?: '@revoked' | '@cert-authority';
  patterns: string[];
  keyType: string;
  /** base64 of the SSH wire-format public key. */
  keyBase64: string;
  raw: string;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const raw = rawLine.trim();
    if (raw === '' || raw.startsWith('#')) return;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    else if (fields[0]?.startsWith('@')) return;
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64) return;
    entries.push({ line: i + 1, marker, patterns: hosts.split(','), keyType, keyBase64, raw });
  });
  return entries;
}

/** The name OpenSSH records: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  return globMatch(pattern, name);
}

/** True when the entry's host list matches `name` (negated patterns `!x` exclude). */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  let matched = false;
  for (const pattern of entry.patterns) {
    if (pattern.startsWith('!')) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) matched = true;
  }
  return matched;
}

/** `SHA256:<base64 without padding>` as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH wire-format key blob. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}

export type HostKeyVerdict =
  | { kind: 'trusted'; via: 'known_hosts' | 'pinned' }
  | { kind: 'unknown'; presented: string; keyType: string }
  | { kind: 'mismatch'; presented: string; expected: string[]; lines: string[] }
  | { kind: 'revoked'; presented: string; line: string };

export interface VerifyHostKeyInput {
  host: string;
  port: number;
  key: Buffer;
  entries: KnownHostEntry[];
  knownHostsPath: string;
  /** Alternative to known_hosts: accepted `SHA256:...` fingerprints. */
  pinnedFingerprints?: string[];
}

export function verifyHostKey(input: VerifyHostKeyInput): HostKeyVerdict {
  const presented = fingerprint(input.key);
  const keyType = keyTypeOf(input.key);
  const presentedB64 = input.key.toString('base64');
  if (input.pinnedFingerprints?.length) {
    if (input.pinnedFingerprints.includes(presented)) return { kind: 'trusted', via: 'pinned' };
    return { kind: 'mismatch', presented, expected: input.pinnedFingerprints, lines: ['(pinned fingerprints in the spec)'] };
  }
  const name = knownHostName(input.host, input.port);
  const matching = input.entries.filter((e) => entryMatches(e, name));
  const revoked = matching.find((e) => e.marker === '@revoked' && e.keyBase64 === presentedB64);
  if (revoked) return { kind: 'revoked', presented, line: `${input.knownHostsPath}:${revoked.line}` };
  // @cert-authority lines vouch for host certificates, which we do not accept: they never trust a plain key.
  const plain = matching.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.keyBase64 === presentedB64)) return { kind: 'trusted', via: 'known_hosts' };
  const sameType = plain.filter((e) => e.keyType === keyType);
  if (sameType.length === 0) return { kind: 'unknown', presented, keyType };
  return {
    kind: 'mismatch',
    presented,
    expected: sameType.map((e) => fingerprint(Buffer.from(e.keyBase64, 'base64'))),
    lines: sameType.map((e) => `${input.knownHostsPath}:${e.line}`),
  };
}

export function readKnownHosts(file: string): KnownHostEntry[] {
  return existsSync(file) ? parseKnownHosts(readFileSync(file, 'utf8')) : [];
}

/** Appends `name keytype base64` under a file lock, unless an identical entry appeared meanwhile. */
export async function appendKnownHost(file: string, host: string, port: number, key: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  if (!existsSync(file)) await writeFile(file, '', { mode: 0o600, flag: 'a' });
  const release = await lockfile.lock(file, { realpath: false, retries: { retries: 20, minTimeout: 20, maxTimeout: 200 } });
  try {
    const name = knownHostName(host, port);
    const current = await readFile(file, 'utf8');
    const b64 = key.toString('base64');
    if (parseKnownHosts(current).some((e) => e.keyBase64 === b64 && entryMatches(e, name))) return;
    const prefix = current === '' || current.endsWith('\n') ? '' : '\n';
    await appendFile(file, `${prefix}${name} ${keyTypeOf(key)} ${b64}\n`);
  } finally {
    await release();
  }
}
