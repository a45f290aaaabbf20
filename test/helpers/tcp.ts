import * as net from 'node:net';

export type TcpProbe = 'open' | 'refused' | 'timeout';

export function tcpProbe(address: string, port: number, timeoutMs = 1_000): Promise<TcpProbe> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (result: TcpProbe) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done('timeout'));
    socket.once('connect', () => done('open'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'timeout'));
  });
}
