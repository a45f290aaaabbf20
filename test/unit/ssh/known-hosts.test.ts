import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { appendKnownHost, fingerprint, parseKnownHosts, readKnownHosts, verifyHostKey } from '../../../src/ssh/known-hosts';

function newKey(): Buffer {
  const pub = utils.generateKeyPairSync('ed25519').public;
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

  it('appends once, under a lock, even when called concurrently', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-kh-'));
    const kh = path.join(dir, 'sub', 'known_hosts');
    await Promise.all([appendKnownHost(kh, '10.0.0.5', 22, keyA), appendKnownHost(kh, '10.0.0.5', 22, keyA), appendKnownHost(kh, '10.0.0.6', 2222, keyB)]);
    const text = readFileSync(kh, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(2);
    expect(text).toContain('[10.0.0.6]:2222 ssh-ed25519 ');
    expect(verifyHostKey({ host: '10.0.0.5', port: 22, key: keyA, entries: readKnownHosts(kh), knownHostsPath: kh }).kind).toBe('trusted');
    writeFileSync(kh, text);
  });
});
