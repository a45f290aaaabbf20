/** connectClient against an in-process ssh2 server: trust on first use records a key only after a successful login. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Server, utils } from 'ssh2';
import { ed25519KeyPair } from '../../helpers/ssh-keys';
import { connectClient, type ConnectInput } from '../../../src/ssh/connect';
import { HostKeyMismatchError, HostKeyUnknownError, SshAuthError } from '../../../src/ssh/errors';
import { readKnownHosts, verifyHostKey } from '../../../src/ssh/known-hosts';

const hostKey = ed25519KeyPair();
const hostKeyBlob = Buffer.from(hostKey.public.split(' ')[1] ?? '', 'base64');
const allowed = ed25519KeyPair();
const refused = ed25519KeyPair();
const allowedBlob = Buffer.from(allowed.public.split(' ')[1] ?? '', 'base64');

let server: Server;
let port: number;
const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-connect-'));
const allowedFile = path.join(dir, 'allowed');
const refusedFile = path.join(dir, 'refused');

beforeAll(async () => {
  writeFileSync(allowedFile, allowed.private, { mode: 0o600 });
  writeFileSync(refusedFile, refused.private, { mode: 0o600 });
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && Buffer.from(ctx.key.data).equals(allowedBlob)) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function input(knownHostsPath: string, privateKeyPath: string, acceptNewHostKeys = true): ConnectInput {
  return { name: 'h1', address: '127.0.0.1', port, user: 'root', privateKeyPath, knownHostsPath, acceptNewHostKeys, connectTimeoutMs: 5000 };
}

it('records nothing when the login is refused, even with acceptNewHostKeys', async () => {
  const kh = path.join(dir, 'kh-refused');
  writeFileSync(kh, '');
  await expect(connectClient(input(kh, refusedFile))).rejects.toBeInstanceOf(SshAuthError);
  expect(readFileSync(kh, 'utf8')).toBe('');
});

it('records the key hashed once the login succeeded, and trusts it next time', async () => {
  const kh = path.join(dir, 'kh-ok');
  writeFileSync(kh, '');
  const client = await connectClient(input(kh, allowedFile));
  client.end();
  const text = readFileSync(kh, 'utf8');
  expect(text).toMatch(/^\|1\|\S+ ssh-ed25519 \S+\n$/);
  expect(text).not.toContain('127.0.0.1');
  expect(verifyHostKey({ host: '127.0.0.1', port, key: hostKeyBlob, entries: readKnownHosts(kh), knownHostsPath: kh }).kind).toBe('trusted');
  const again = await connectClient(input(kh, allowedFile, false));
  again.end();
  expect(readFileSync(kh, 'utf8')).toBe(text);
});

it('refuses an unknown host without acceptNewHostKeys, and a host recorded with a key of another type even with it', async () => {
  const kh = path.join(dir, 'kh-other');
  writeFileSync(kh, '');
  await expect(connectClient(input(kh, allowedFile, false))).rejects.toBeInstanceOf(HostKeyUnknownError);
  const rsa = utils.generateKeyPairSync('ecdsa', { bits: 256 }).public;
  writeFileSync(kh, `[127.0.0.1]:${port} ${rsa}\n`);
  const error = await connectClient(input(kh, allowedFile)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HostKeyMismatchError);
  expect((error as Error).message).toMatch(/expected ecdsa-sha2-nistp256 SHA256:\S+, presented SHA256:/);
  expect(readFileSync(kh, 'utf8')).toBe(`[127.0.0.1]:${port} ${rsa}\n`);
});
