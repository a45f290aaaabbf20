import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ed25519KeyPair } from '../../helpers/ssh-keys';
import { connectClient } from '../../../src/ssh/connect';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-late-error-'));
const keyPath = path.join(dir, 'id_ed25519');
writeFileSync(keyPath, ed25519KeyPair().private, { mode: 0o600 });
writeFileSync(path.join(dir, 'known_hosts'), '');

it('a connection that errs again after its handshake timed out does not crash the process (seen on a loaded 3+100 lab)', async () => {
  const sockets: Socket[] = [];
  // Accepts TCP and never speaks SSH: the handshake times out, then the server drops the socket.
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => void uncaught.push(err);
  process.prependListener('uncaughtException', onUncaught);
  try {
    const input = { name: 'slow', address: '127.0.0.1', port, user: 'root', privateKeyPath: keyPath, knownHostsPath: path.join(dir, 'known_hosts'), acceptNewHostKeys: false, connectTimeoutMs: 200 };
    await expect(connectClient(input)).rejects.toThrow(/handshake|timed out/i);
    for (const socket of sockets) socket.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(uncaught).toEqual([]);
  } finally {
    process.removeListener('uncaughtException', onUncaught);
    server.close();
  }
});
