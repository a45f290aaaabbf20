import { randomBytes } from 'node:crypto';
import { EncryptionCodec } from '../../../src/codec';
import { startCodecServer, type CodecServer } from '../../../src/temporal/codec-server';

let server: CodecServer;
const codec = new EncryptionCodec(randomBytes(32));

beforeAll(async () => {
  server = await startCodecServer({ codec, host: '127.0.0.1', port: 0, allowOrigins: ['http://127.0.0.1:8233', 'http://localhost:8233'] });
});
afterAll(() => server.stop());

const b64 = (text: string): string => Buffer.from(text).toString('base64');

it('encodes then decodes payloads in the Web UI JSON shape', async () => {
  const plain = { metadata: { encoding: b64('json/plain') }, data: b64('{"token":"abcdef.0123456789abcdef"}') };
  const encoded = (await (await fetch(`${server.url}/encode`, { method: 'POST', body: JSON.stringify({ payloads: [plain] }) })).json()) as {
    payloads: Array<{ metadata: Record<string, string>; data: string }>;
  };
  expect(Buffer.from(encoded.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
  expect(Buffer.from(encoded.payloads[0]!.data, 'base64').toString()).not.toContain('abcdef');
  const decoded = await fetch(`${server.url}/decode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' },
    body: JSON.stringify(encoded),
  });
  expect(decoded.status).toBe(200);
  expect(await decoded.json()).toEqual({ payloads: [plain] });
});

it('answers the UI preflight with CORS for its origin and the headers it sends', async () => {
  const response = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:8233' } });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  const stranger = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } });
  expect(stranger.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
  expect(response.headers.get('access-control-allow-headers')).toContain('X-Namespace');
});

it('rejects garbage with 400 and unknown paths with 404', async () => {
  expect((await fetch(`${server.url}/decode`, { method: 'POST', body: 'not json' })).status).toBe(400);
  expect((await fetch(`${server.url}/other`, { method: 'POST', body: '{}' })).status).toBe(404);
});
