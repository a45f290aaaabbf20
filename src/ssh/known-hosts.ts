/**
 * OpenSSH known_hosts: parse, match (plain, hashed `|1|salt|hash`, `[host]:port`, comma
 * lists), verify the key a server presents, and record trust-on-first-use entries (hashed, as
 * with HashKnownHosts, and atomically).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
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
  // Any recorded key makes the host known: a host recorded with ed25519 that now offers only
  // RSA is as suspect as one offering another ed25519 key (a downgrade is how an attacker hides).
  if (plain.length === 0) return { kind: 'unknown', presented, keyType };
  return {
    kind: 'mismatch',
    presented,
    expected: plain.map((e) => `${e.keyType === keyType ? '' : `${e.keyType} `}${fingerprint(Buffer.from(e.keyBase64, 'base64'))}`),
    lines: plain.map((e) => `${input.knownHostsPath}:${e.line}`),
  };
}

export function readKnownHosts(file: string): KnownHostEntry[] {
  return existsSync(file) ? parseKnownHosts(readFileSync(file, 'utf8')) : [];
}

/** `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as OpenSSH writes with HashKnownHosts yes. */
export function hashKnownHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

export type RecordHostKeyResult = 'recorded' | 'already-recorded';

/** The records this process is making, per known_hosts file: each waits for the one before. */
const recording = new Map<string, Promise<unknown>>();

/**
 * One record at a time per file in this process: a worker meeting hundreds of new hosts at once
 * would otherwise race them all for the file lock, and lose some to its retry limit.
 */
function oneAtATime<T>(target: string, work: () => Promise<T>): Promise<T> {
  const next = (recording.get(target) ?? Promise.resolve()).catch(() => undefined).then(work);
  recording.set(target, next);
  const forget = () => {
    if (recording.get(target) === next) recording.delete(target);
  };
  next.then(forget, forget);
  return next;
}

/**
 * Records a host key accepted on first use: hashed, under a file lock (against other processes;
 * this one's records queue), by writing a temporary file next to known_hosts and renaming it over
 * (a crash never leaves a half-written file). Throws HostKeyConflictError when, meanwhile,
 * another key was recorded for the host.
 */
export async function recordKnownHost(file: string, host: string, port: number, key: Buffer): Promise<RecordHostKeyResult> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) await writeFile(file, '', { mode: 0o600, flag: 'a' });
  const target = await realpath(file);
  return oneAtATime(target, () => recordLocked(file, target, host, port, key));
}

async function recordLocked(file: string, target: string, host: string, port: number, key: Buffer): Promise<RecordHostKeyResult> {
  const release = await lockfile.lock(target, { realpath: false, retries: { retries: 20, minTimeout: 20, maxTimeout: 200 } });
  try {
    const current = await readFile(target, 'utf8');
    const verdict = verifyHostKey({ host, port, key, entries: parseKnownHosts(current), knownHostsPath: file });
    if (verdict.kind === 'trusted') return 'already-recorded';
    if (verdict.kind !== 'unknown') throw new HostKeyConflictError(file, verdict);
    const prefix = current === '' || current.endsWith('\n') ? '' : '\n';
    const entry = `${hashKnownHostName(knownHostName(host, port))} ${keyTypeOf(key)} ${key.toString('base64')}\n`;
    const mode = (await stat(target)).mode & 0o777;
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.kubeha-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(temp, `${current}${prefix}${entry}`, { mode: 0o600, flag: 'wx' });
      await chmod(temp, mode & 0o644);
      await rename(temp, target);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    return 'recorded';
  } finally {
    await release();
  }
}

/** Between accepting a new host key and recording it, another key was recorded for that host. */
export class HostKeyConflictError extends Error {
  constructor(
    readonly file: string,
    readonly verdict: Exclude<HostKeyVerdict, { kind: 'trusted' } | { kind: 'unknown' }>,
  ) {
    super(`another key was recorded for this host in ${file} meanwhile`);
    this.name = 'HostKeyConflictError';
  }
}
