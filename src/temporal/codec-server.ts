import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  codec: PayloadCodec;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The Web UI's origins (CORS), e.g. http://127.0.0.1:8233 and http://localhost:8233. */
  allowOrigins: string[];
}

export interface CodecServer {
  url: string;
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

/**
 * The Web UI's remote codec (POST /encode, /decode with `{ payloads: [...] }`), so `kubeha dev`
 * shows decrypted inputs and results. Listens on loopback only: it decrypts for whoever asks.
 */
export function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = req.headers.origin;
    res.setHeader('Access-Control-Allow-Origin', origin && options.allowOrigins.includes(origin) ? origin : options.allowOrigins[0] ?? 'null');
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const operation = req.url === '/decode' ? 'decode' : req.url === '/encode' ? 'encode' : undefined;
    if (req.method !== 'POST' || !operation) {
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
      resolve({
        url: `http://${options.host}:${port}`,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
