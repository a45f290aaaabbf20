import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { addConnectionOptions, connectionOptionsFrom, tlsConfigFrom, type ConnectionFlags } from '../../../src/client/connection';
import { connectWorker } from '../../../src/worker/connect';
import { EnvironmentError, InputError, UsageError } from '../../../src/client/errors';

function parse(argv: string[], env: Record<string, string> = {}): ConnectionFlags {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const command = addConnectionOptions(new Command('worker').exitOverride());
    command.parse(argv, { from: 'user' });
    return command.opts<ConnectionFlags>();
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('connection options', () => {
  it('defaults to the local dev server without TLS', () => {
    expect(connectionOptionsFrom(parse([]))).toEqual({ address: '127.0.0.1:7233', namespace: 'default', tls: undefined, apiKey: undefined });
  });

  it('takes TEMPORAL_* variables, and flags win over them', () => {
    const fromEnv = connectionOptionsFrom(parse([], { TEMPORAL_ADDRESS: 'temporal.example.com:7233', TEMPORAL_NAMESPACE: 'ops', TEMPORAL_API_KEY: 'k' }));
    expect(fromEnv).toMatchObject({ address: 'temporal.example.com:7233', namespace: 'ops', apiKey: 'k' });
    expect(fromEnv.tls).toBeDefined();
    const flags = connectionOptionsFrom(parse(['--address', 'other:7233'], { TEMPORAL_ADDRESS: 'temporal.example.com:7233' }));
    expect(flags.address).toBe('other:7233');
  });

  it('implies TLS from any TLS option', () => {
    expect(connectionOptionsFrom(parse(['--tls-ca', '/ca.pem', '--tls-server-name', 'temporal'])).tls).toEqual({
      caFile: '/ca.pem',
      serverName: 'temporal',
      certFile: undefined,
      keyFile: undefined,
    });
    expect(connectionOptionsFrom(parse(['--tls'])).tls).toBeDefined();
  });

  it('rejects a certificate without its key and an address without a port', () => {
    expect(() => connectionOptionsFrom(parse(['--tls-cert', '/c.pem']))).toThrow(UsageError);
    expect(() => connectionOptionsFrom(parse(['--address', 'temporal.example.com']))).toThrow(/is not host:port/);
  });
});

describe('tlsConfigFrom', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeha-tls-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the PEM files into the SDK TLS config', () => {
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `${f} contents`);
    const tls = tlsConfigFrom({ caFile: join(dir, 'ca.pem'), certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), serverName: 'temporal' });
    expect(tls?.serverNameOverride).toBe('temporal');
    expect(tls?.serverRootCACertificate?.toString()).toBe('ca.pem contents');
    expect(tls?.clientCertPair?.crt.toString()).toBe('cert.pem contents');
    expect(tls?.clientCertPair?.key.toString()).toBe('key.pem contents');
  });

  it('names a missing file', () => {
    expect(() => tlsConfigFrom({ caFile: join(dir, 'missing.pem') })).toThrow(InputError);
    expect(() => tlsConfigFrom({ caFile: join(dir, 'missing.pem') })).toThrow(`cannot read the TLS CA certificate ${join(dir, 'missing.pem')}: ENOENT`);
  });
});

describe('connectWorker', () => {
  it('fails with an EnvironmentError naming the address when nothing listens there', async () => {
    const attempt = connectWorker({ address: '127.0.0.1:1', namespace: 'default' });
    await expect(attempt).rejects.toBeInstanceOf(EnvironmentError);
    await expect(attempt).rejects.toThrow(/^cannot reach Temporal at 127\.0\.0\.1:1 \(namespace default\)/);
  });
});
