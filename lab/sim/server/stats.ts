/** The counters of a lab's simulator server (how many commands it ran), asked over its socket. */
import * as net from 'node:net';
import { simSocketName } from '../../hosts/sim-server';
import { encodeRequest, FRAME, STATS_COMMAND } from './protocol';

export interface SimServerStats {
  startedAt: string;
  invocations: number;
  byCommand: Record<string, number>;
  running: number;
}

/** undefined when the lab runs no server (commands as processes of their own) or it does not answer. */
export function simServerStats(labDir: string, timeoutMs = 5_000): Promise<SimServerStats | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(`\0${simSocketName(labDir)}`);
    const chunks: Buffer[] = [];
    const done = (stats: SimServerStats | undefined) => {
      socket.destroy();
      resolve(stats);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.on('data', (c) => chunks.push(c));
    socket.once('end', () => {
      const all = Buffer.concat(chunks);
      if (all.length < 5 || all[0] !== FRAME.stdout) return done(undefined);
      try {
        done(JSON.parse(all.subarray(5, 5 + all.readUInt32LE(1)).toString('utf8')) as SimServerStats);
      } catch {
        done(undefined);
      }
    });
    socket.write(encodeRequest({ command: STATS_COMMAND, host: '', cwd: '/', pid: process.pid, args: [], env: {} }));
  });
}
