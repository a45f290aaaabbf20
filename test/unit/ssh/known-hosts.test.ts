import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { ed25519KeyPair } from '../../helpers/ssh-keys';
import { fingerprint, hashKnownHostName, HostKeyConflictError, parseKnownHosts, readKnownHosts, recordKnownHost, verifyHostKey } from '../../../src/ssh/known-hosts';

function newKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): Buffer {
  const pub = type === 'ecdsa' ? utils.generateKeyPairSync('ecdsa', { bits: 256 }).public : ed25519KeyPair().public;
  return Buffer.from(pub.split(' ')[1] ?? '', 'base64');
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const keyA = newKey();
const keyB = newKey();
const line = (names: string, key: Buffer): string => `${names} ssh-ed25519 ${key.toString('base64')}`;

describe('known_hosts', () => {
  const file = '/x/known_hosts';

  it('trusts a plain entry in a comma list, on port 22', () => {
    const entries = parseKnownHosts(`# comment\n${line('other,10.0.0.1', keyA)}\n`);
    expect(verifyHostKey({ host: '10.0.0.1', port: 22, key: keyA, entries, knownHostsPath: file })).toEqual({ kind: 'trusted', via: 'known_hosts' });
  });

  it('matches [host]:port for non-22 ports only', () => {
    const entries = parseKnownHosts(line('[10.0.0.1]:2222', keyA));
    expect(verifyHostKey({ host: '10.0.0.1', port: 2222, key: keyA, entries, knownHostsPath: file }).kind).toBe('trusted');
    expect(verifyHostKey({ host: '10.0.0.1', port: 22, key: keyA, entries, knownHostsPath: file }).kind).toBe('unknown');
  });

  it('matches hashed names', () => {
    const entries = parseKnownHosts(`${line(hashed('[cp1.example]:2200'), keyA)}\n${line(hashed('10.1.1.1'), keyB)}`);
    expect(verifyHostKey({ host: 'cp1.example', port: 2200, key: keyA, entries, knownHostsPath: file }).kind).toBe('trusted');
    expect(verifyHostKey({ host: '10.1.1.1', port: 22, key: keyB, entries, knownHostsPath: file }).kind).toBe('trusted');
    expect(verifyHostKey({ host: '10.1.1.2', port: 22, key: keyB, entries, knownHostsPath: file }).kind).toBe('unknown');
  });

  it('reports a mismatch with both fingerprints and the line to fix', () => {
    const entries = parseKnownHosts(`\n${line('10.0.0.1', keyA)}`);
    const verdict = verifyHostKey({ host: '10.0.0.1', port: 22, key: keyB, entries, knownHostsPath: file });
    expect(verdict).toEqual({ kind: 'mismatch', presented: fingerprint(keyB), expected: [fingerprint(keyA)], lines: [`${file}:2`] });
  });

  it('honours @revoked and never trusts a plain key through @cert-authority', () => {
    const revoked = parseKnownHosts(`@revoked ${line('*', keyA)}\n${line('10.0.0.1', keyA)}`);
    expect(verifyHostKey({ host: '10.0.0.1', port: 22, key: keyA, entries: revoked, knownHostsPath: file }).kind).toBe('revoked');
    const ca = parseKnownHosts(`@cert-authority ${line('*', keyA)}`);
    expect(verifyHostKey({ host: '10.0.0.1', port: 22, key: keyA, entries: ca, knownHostsPath: file }).kind).toBe('unknown');
  });

  it('accepts pinned fingerprints instead', () => {
    expect(verifyHostKey({ host: 'h', port: 22, key: keyA, entries: [], knownHostsPath: file, pinnedFingerprints: [fingerprint(keyA)] }).kind).toBe('trusted');
    expect(verifyHostKey({ host: 'h', port: 22, key: keyB, entries: [], knownHostsPath: file, pinnedFingerprints: [fingerprint(keyA)] }).kind).toBe('mismatch');
  });

  it('fingerprints like ssh-keygen -l (SHA256, no padding)', () => {
    expect(fingerprint(keyA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('treats a key of another type as a mismatch when the host has any recorded key (no downgrade to "unknown")', () => {
    const ecdsa = newKey('ecdsa');
    const entries = parseKnownHosts(`${line('10.0.0.1', keyA)}\n${line(hashed('10.0.0.2'), keyA)}`);
    const verdict = verifyHostKey({ host: '10.0.0.1', port: 22, key: ecdsa, entries, knownHostsPath: file });
    expect(verdict).toEqual({ kind: 'mismatch', presented: fingerprint(ecdsa), expected: [`ssh-ed25519 ${fingerprint(keyA)}`], lines: [`${file}:1`] });
    expect(verifyHostKey({ host: '10.0.0.2', port: 22, key: ecdsa, entries, knownHostsPath: file }).kind).toBe('mismatch');
    expect(verifyHostKey({ host: '10.0.0.3', port: 22, key: ecdsa, entries, knownHostsPath: file }).kind).toBe('unknown');
  });

  it('hashes names as OpenSSH does (HMAC-SHA1 with a fresh 20-byte salt)', () => {
    const salt = Buffer.alloc(20, 7);
    expect(hashKnownHostName('[h]:2222', salt)).toBe(`|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[h]:2222').digest('base64')}`);
    expect(hashKnownHostName('h')).not.toBe(hashKnownHostName('h'));
  });

  it('records a new key hashed, keeps what was there, and writes the file once even when called concurrently', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-kh-'));
    const kh = path.join(dir, 'sub', 'known_hosts');
    mkdirSync(path.dirname(kh));
    writeFileSync(kh, `# mine\n${line('10.9.9.9', keyB)}`, { mode: 0o644 });
    const results = await Promise.all([recordKnownHost(kh, '10.0.0.5', 22, keyA), recordKnownHost(kh, '10.0.0.5', 22, keyA), recordKnownHost(kh, '10.0.0.6', 2222, keyB)]);
    expect(results.sort()).toEqual(['already-recorded', 'recorded', 'recorded']);
    const text = readFileSync(kh, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 2)).toEqual(['# mine', line('10.9.9.9', keyB)]);
    for (const l of lines.slice(2)) expect(l).toMatch(/^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}= ssh-ed25519 [A-Za-z0-9+/=]+$/);
    expect(text).not.toContain('10.0.0.5');
    expect(text).not.toContain('10.0.0.6');
    const entries = readKnownHosts(kh);
    expect(verifyHostKey({ host: '10.0.0.5', port: 22, key: keyA, entries, knownHostsPath: kh }).kind).toBe('trusted');
    expect(verifyHostKey({ host: '10.0.0.6', port: 2222, key: keyB, entries, knownHostsPath: kh }).kind).toBe('trusted');
    expect(verifyHostKey({ host: '10.0.0.6', port: 22, key: keyB, entries, knownHostsPath: kh }).kind).toBe('unknown');
    expect(statSync(kh).mode & 0o777).toBe(0o644);
    expect(readdirSync(path.dirname(kh))).toEqual(['known_hosts']);
    // OpenSSH finds both new entries, in the order the concurrent calls wrote them.
    const foundAt = (host: string) => spawnSync('ssh-keygen', ['-F', host, '-f', kh], { encoding: 'utf8' });
    const [port2222, port22] = [foundAt('[10.0.0.6]:2222'), foundAt('10.0.0.5')];
    if (!port2222.error) expect([port2222.stdout, port22.stdout].map((out) => /found: line (\d+)/.exec(out)?.[1]).sort()).toEqual(['3', '4']);

  });

  it('records the first keys of hundreds of hosts met at once, one after another, none refused for the lock', async () => {
    const kh = path.join(mkdtempSync(path.join(os.tmpdir(), 'kubeha-kh-')), 'known_hosts');
    const hosts = Array.from({ length: 300 }, (_, i) => `10.1.${Math.floor(i / 250)}.${i % 250}`);
    const results = await Promise.all(hosts.map((h) => recordKnownHost(kh, h, 22, keyA)));
    expect(results.every((r) => r === 'recorded')).toBe(true);
    const entries = readKnownHosts(kh);
    expect(entries).toHaveLength(hosts.length);
    for (const h of hosts) expect(verifyHostKey({ host: h, port: 22, key: keyA, entries, knownHostsPath: kh }).kind).toBe('trusted');
  });

  it('creates known_hosts 0600 and writes through a symlink to it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-kh-'));
    const fresh = path.join(dir, 'new', 'known_hosts');
    await recordKnownHost(fresh, 'h', 22, keyA);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    const link = path.join(dir, 'link');
    symlinkSync(fresh, link);
    await recordKnownHost(link, 'g', 22, keyB);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readKnownHosts(fresh)).toHaveLength(2);
  });

  it('refuses to record when another key was recorded for the host meanwhile', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-kh-'));
    const kh = path.join(dir, 'known_hosts');
    const before = `${line(hashed('10.0.0.7'), keyA)}\n`;
    writeFileSync(kh, before);
    const error = await recordKnownHost(kh, '10.0.0.7', 22, keyB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyConflictError);
    expect((error as HostKeyConflictError).verdict).toMatchObject({ kind: 'mismatch', expected: [fingerprint(keyA)] });
    expect(readFileSync(kh, 'utf8')).toBe(before);
  });
});
