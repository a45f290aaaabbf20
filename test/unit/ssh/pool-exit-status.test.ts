import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { SshPool } from '../../../src/ssh/pool';
import { defineScript, sh } from '../../../src/ssh/quote';
import { poolKey, type SshTarget } from '../../../src/ssh/target';

/** A channel whose output, exit status and close all come in the same tick as the exec's success, as ssh2 does when they share one read. */
function fakeClient(code: number): EventEmitter & { exec: unknown } {
  const client = new EventEmitter() as EventEmitter & { exec: unknown };
  client.exec = (_cmd: string, cb: (err: Error | undefined, ch: unknown) => void) => {
    const channel = Object.assign(new PassThrough(), { stderr: new PassThrough(), signal: () => undefined, close: () => undefined, end: () => undefined });
    cb(undefined, channel);
    channel.push('@@kubeha-pid 42\nhello\n');
    channel.emit('exit', code);
    channel.push(null);
    process.nextTick(() => channel.emit('close'));
  };
  return client;
}

it('keeps the exit status that arrives in the same read as the exec success', async () => {
  const target: SshTarget = {
    name: 'h1',
    address: '192.0.2.1',
    ssh: { user: 'root', port: 22, privateKey: '/k', knownHosts: '/kh', acceptNewHostKeys: false, sudo: false, connectTimeoutMs: 1000 },
  };
  const pool = new SshPool();
  (pool as unknown as { clients: Map<string, Promise<unknown>> }).clients.set(poolKey(target), Promise.resolve(fakeClient(3)));
  const result = await pool.run(target, defineScript('hello', { body: () => sh`echo hello` }).render(undefined));
  expect(result).toEqual({ code: 3, stdout: 'hello\n', stderr: '' });
});

it('fails a command whose exec the host never answers, retryable, and drops that connection', async () => {
  const target: SshTarget = {
    name: 'h1',
    address: '192.0.2.1',
    ssh: { user: 'root', port: 22, privateKey: '/k', knownHosts: '/kh', acceptNewHostKeys: false, sudo: false, connectTimeoutMs: 1000 },
  };
  let ended = 0;
  const silent = Object.assign(new EventEmitter(), { exec: () => undefined, end: () => void ended++ });
  const pool = new SshPool();
  const clients = (pool as unknown as { clients: Map<string, Promise<unknown>> }).clients;
  clients.set(poolKey(target), Promise.resolve(silent));
  const run = pool.run(target, defineScript('hello', { body: () => sh`echo hello` }).render(undefined), { timeoutMs: 50 });
  await expect(run).rejects.toThrow('h1 did not start hello within 50 ms; its connection was closed');
  await expect(run).rejects.toMatchObject({ retryable: true });
  await new Promise((r) => setImmediate(r));
  expect(ended).toBe(1);
  expect(clients.has(poolKey(target))).toBe(false);
});

it('fails a command at once, retryable, when its connection closes before the exec is answered', async () => {
  const target: SshTarget = {
    name: 'h1',
    address: '192.0.2.1',
    ssh: { user: 'root', port: 22, privateKey: '/k', knownHosts: '/kh', acceptNewHostKeys: false, sudo: false, connectTimeoutMs: 1000 },
  };
  const dying = Object.assign(new EventEmitter(), { exec: () => setImmediate(() => dying.emit('close')), end: () => undefined });
  const pool = new SshPool();
  (pool as unknown as { clients: Map<string, Promise<unknown>> }).clients.set(poolKey(target), Promise.resolve(dying));
  const startedAt = Date.now();
  const run = pool.run(target, defineScript('hello', { body: () => sh`echo hello` }).render(undefined), { timeoutMs: 60_000 });
  await expect(run).rejects.toThrow('the connection to h1 closed before hello started');
  await expect(run).rejects.toMatchObject({ retryable: true });
  // Not the exec-start timeout (30 s): the close itself ended the wait.
  expect(Date.now() - startedAt).toBeLessThan(10_000);
  expect(dying.listenerCount('close')).toBe(0);
});
