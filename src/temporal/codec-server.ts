import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  codec: PayloadCodec;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The Web UI's origins, e.g. http://127.0.0.1:8233 and http://localhost:8233: the only origins CORS allows. */
  allowOrigins: string[];
  /** The secret callers must present; default: a fresh random one. */
  token?: string;
}

export interface CodecServer {
  /**
   * The endpoint to give the Web UI (`--ui-codec-endpoint`): it carries the token as its first
   * path segment, because the UI cannot add an Authorization header of its own.
   */
  url: string;
  /** Scheme, host and port only: with it, callers send `Authorization: Bearer <token>`. */
  baseUrl: string;
  token: string;
  stop(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const MAX_BODY = 16 * 1024 * 1024;

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: p.data === undefined ? undefined : Buffer.from(p.data, 'base64'),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Host header values that name this server: its own address, and the loopback names when it listens on loopback. */
function allowedHosts(host: string, port: number): Set<string> {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const names = LOOPBACK.has(host) || LOOPBACK.has(bracketed) ? ['127.0.0.1', 'localhost', '[::1]'] : [bracketed];
  return new Set(names.map((n) => `${n}:${port}`.toLowerCase()));
}

/**
 * The Web UI's remote codec (POST /encode, /decode with `{ payloads: [...] }`), so `kubeha dev`
 * shows decrypted inputs and results. It decrypts secrets, so it answers only:
 * - callers presenting the token (path prefix `/<token>/` or `Authorization: Bearer <token>`);
 * - requests whose Host header names this server (a DNS-rebinding page cannot reach it);
 * - browsers from the UI's origins (any other Origin is refused, and CORS names only those).
 */
export function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let hosts = new Set<string>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = req.headers.origin;
    if (origin !== undefined && !options.allowOrigins.includes(origin)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('origin not allowed');
      return;
    }
    if (!hosts.has((req.headers.host ?? '').toLowerCase())) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('wrong Host header');
      return;
    }
    if (origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://codec');
    const segments = url.pathname.split('/').filter(Boolean);
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const pathToken = segments.length === 2 ? segments[0] : undefined;
    const authorized = (bearer !== undefined && sameSecret(bearer, token)) || (pathToken !== undefined && sameSecret(pathToken, token));
    if (!authorized) {
      res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' }).end('codec server token required');
      return;
    }
    const last = segments[segments.length - 1];
    const operation = last === 'decode' ? 'decode' : last === 'encode' ? 'encode' : undefined;
    if (req.method !== 'POST' || !operation || segments.length > 2) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = JSON.parse(await readBody(req)) as { payloads?: JsonPayload[] };
      const payloads = (body.payloads ?? []).map(fromJson);
      const result = await options.codec[operation](payloads);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ payloads: result.map(toJson) }));
    } catch (err) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(err instanceof Error ? err.message : String(err));
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      hosts = allowedHosts(options.host, port);
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      const baseUrl = `http://${host}:${port}`;
      resolve({
        url: `${baseUrl}/${token}`,
        baseUrl,
        token,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
