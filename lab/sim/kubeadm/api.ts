/** Talking to the simulated API server: TCP reachability and /readyz over TLS. */
import * as https from 'node:https';
import * as net from 'node:net';
import { sleep } from '../time';

export function splitHostPort(endpoint: string, defaultPort = 6443): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(endpoint.replace(/^https?:\/\//, '').replace(/\/.*$/, ''));
  return { host: m?.[1] ?? endpoint, port: Number(m?.[2] ?? defaultPort) };
}

export function tcpReachable(host: string, port: number, timeoutMs = 1_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (err?: string) => {
      s.destroy();
      resolve(err);
    };
    s.setTimeout(timeoutMs, () => done('i/o timeout'));
    s.once('connect', () => done());
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.message));
  });
}

export function httpsGet(host: string, port: number, urlPath: string, ca?: string, timeoutMs = 2_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host, port, path: urlPath, ca, rejectUnauthorized: ca !== undefined, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Polls until `path` answers 200 or the deadline passes; returns the elapsed ms or undefined. */
export async function waitHealthy(host: string, port: number, urlPath: string, ca: string | undefined, timeoutMs: number): Promise<number | undefined> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    try {
      const r = await httpsGet(host, port, urlPath, ca, 1_000);
      if (r.status === 200) return Date.now() - start;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  return undefined;
}
