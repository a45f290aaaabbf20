import { createServer } from 'node:net';

/** Resolves to true when nothing listens on host:port (we could bind it ourselves). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Below Linux's default ephemeral range (32768–60999): a port the kernel handed out with port 0
 * comes from the range every outgoing connection (SSH, gRPC) also takes its source port from, and
 * one of them can take it between our check and the server's bind.
 */
const QUIET_PORTS = { from: 20_000, to: 32_000 };

/** A port nothing listens on right now on host, preferably one outgoing connections do not take. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < 20; tries += 1) {
    const port = QUIET_PORTS.from + Math.floor(Math.random() * (QUIET_PORTS.to - QUIET_PORTS.from));
    if (await isPortFree(host, port)) return port;
  }
  return anyFreePort(host);
}

function anyFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
