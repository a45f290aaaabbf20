import { request } from 'node:http';
import { EncryptionCodec, newKeyRing } from '../../../src/codec';
import { startCodecServer, type CodecServer } from '../../../src/temporal/codec-server';

let server: CodecServer;
const codec = new EncryptionCodec(newKeyRing());
const UI = ['http://127.0.0.1:8233', 'http://localhost:8233'];

beforeAll(async () => {
  server = await startCodecServer({ codec, host: '127.0.0.1', port: 0, allowOrigins: UI });
});
afterAll(() => server.stop());

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const plain = { metadata: { encoding: b64('json/plain') }, data: b64('{"token":"abcdef.0123456789abcdef"}') };

async function encoded(): Promise<{ payloads: Array<{ metadata: Record<string, string>; data: string }> }> {
  const response = await fetch(`${server.url}/encode`, { method: 'POST', body: JSON.stringify({ payloads: [plain] }) });
  expect(response.status).toBe(200);
  return (await response.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
}

/** fetch() will not send a forged Host header; node:http will. */
function rawPost(path: string, headers: Record<string, string>, body: string): Promise<number> {
  const url = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

it('encodes then decodes payloads in the Web UI JSON shape, with the token in the endpoint path', async () => {
  const enc = await encoded();
  expect(Buffer.from(enc.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
  expect(Buffer.from(enc.payloads[0]!.data, 'base64').toString()).not.toContain('abcdef');
  const decoded = await fetch(`${server.url}/decode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: 'http://localhost:8233' },
    body: JSON.stringify(enc),
  });
  expect(decoded.status).toBe(200);
  expect(decoded.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  expect(await decoded.json()).toEqual({ payloads: [plain] });
});

it('accepts the token as a bearer header too', async () => {
  const enc = await encoded();
  const decoded = await fetch(`${server.baseUrl}/decode`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: JSON.stringify(enc) });
  expect(decoded.status).toBe(200);
});

it('refuses to decode without the token, or with a wrong one', async () => {
  const body = JSON.stringify(await encoded());
  expect((await fetch(`${server.baseUrl}/decode`, { method: 'POST', body })).status).toBe(401);
  expect((await fetch(`${server.baseUrl}/decode`, { method: 'POST', headers: { Authorization: 'Bearer nope' }, body })).status).toBe(401);
  expect((await fetch(`${server.baseUrl}/${'x'.repeat(server.token.length)}/decode`, { method: 'POST', body })).status).toBe(401);
  const refused = await fetch(`${server.baseUrl}/decode`, { method: 'POST', body });
  expect(await refused.text()).not.toContain('abcdef');
});

it('refuses other origins (no CORS for them) and Host headers that do not name it (DNS rebinding)', async () => {
  const body = JSON.stringify(await encoded());
  const stranger = await fetch(`${server.url}/decode`, { method: 'POST', headers: { Origin: 'http://evil.example' }, body });
  expect(stranger.status).toBe(403);
  expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  const preflight = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } });
  expect(preflight.status).toBe(403);
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  const path = `${new URL(server.url).pathname}/decode`;
  expect(await rawPost(path, { Host: 'evil.example:80' }, body)).toBe(421);
  expect(await rawPost(path, { Host: `localhost:${new URL(server.baseUrl).port}` }, body)).toBe(200);
});

it('answers the UI preflight with CORS for its origin and the headers it sends', async () => {
  const response = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:8233' } });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  expect(response.headers.get('access-control-allow-headers')).toContain('X-Namespace');
  expect(response.headers.get('access-control-allow-headers')).toContain('Authorization');
});

it('rejects garbage with 400 and unknown paths with 404', async () => {
  expect((await fetch(`${server.url}/decode`, { method: 'POST', body: 'not json' })).status).toBe(400);
  expect((await fetch(`${server.url}/other`, { method: 'POST', body: '{}' })).status).toBe(404);
});
