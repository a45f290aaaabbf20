/**
 * The lab's simulator server: one Node process per lab (lab/hosts/sim-server.ts starts it at
 * `lab up`) that runs every simulated command of every host, so a command costs a thin client
 * (client.c) instead of a Node start. Usage: `node main.js <labDir> <socket name>` (an abstract
 * unix socket: hosts share the machine's network namespace, so every host reaches it).
 *
 * Each request runs in an Invocation (../invocation.ts): its host's paths, pid, cwd and
 * environment, its output relayed to the client; a client that goes away makes the command die
 * at its next output line, as SIGPIPE or SIGKILL ends the real process.
 */
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { LabConfig } from '../../layout';
import { labPaths } from '../../layout';
import { SIM_COMMANDS } from '../install';
import type { Invocation } from '../invocation';
import { runInvocation, SessionGone } from '../invocation';
import { collectCommands, runCommand } from '../main';
import type { SimRequest } from './protocol';
import { exitFrame, frame, FRAME, parseRequest, STATS_COMMAND } from './protocol';

const [labDir, socketName] = process.argv.slice(2);
if (!labDir || !socketName) {
  process.stderr.write('usage: main.js <labDir> <socket name>\n');
  process.exit(2);
}
const config = JSON.parse(readFileSync(labPaths(labDir).config, 'utf8')) as LabConfig;
const hosts = new Set(config.hosts.map((h) => h.name));
const commands = collectCommands(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const name of SIM_COMMANDS) require(path.join(__dirname, '..', name));
});
const stats = { startedAt: new Date().toISOString(), invocations: 0, byCommand: {} as Record<string, number>, running: 0 };

function reply(socket: net.Socket, stderr: string, code: number): void {
  socket.end(Buffer.concat([frame(FRAME.stderr, Buffer.from(stderr)), exitFrame(code)]));
}

/** What the client has lost: its socket (it died) or one of its output descriptors (its reader closed). */
interface Lost {
  socket: boolean;
  fds: Set<number>;
}

async function run(request: SimRequest, socket: net.Socket, lost: Lost): Promise<void> {
  if (request.command === STATS_COMMAND) {
    socket.end(Buffer.concat([frame(FRAME.stdout, Buffer.from(`${JSON.stringify(stats)}\n`)), exitFrame(0)]));
    return;
  }
  const command = commands.get(request.command);
  if (!command) return reply(socket, `${request.command}: not a simulated command\n`, 127);
  if (!hosts.has(request.host)) return reply(socket, `${request.command}: host "${request.host}" is not a host of the lab in ${labDir}\n`, 1);
  stats.invocations += 1;
  stats.byCommand[request.command] = (stats.byCommand[request.command] ?? 0) + 1;
  stats.running += 1;
  const invocation: Invocation = {
    labDir: labDir as string,
    host: request.host,
    pid: request.pid,
    cwd: request.cwd,
    env: request.env,
    clientGone: () => lost.socket,
    write: (fd, text) => {
      if (lost.socket || lost.fds.has(fd)) throw new SessionGone();
      // The lines a command writes in one tick leave in one writev instead of a send each (kubeadm
      // writes a dozen at a time); the client gets them in the same order.
      if (socket.writableCorked === 0) {
        socket.cork();
        process.nextTick(() => socket.uncork());
      }
      socket.write(frame(fd === 1 ? FRAME.stdout : FRAME.stderr, Buffer.from(text, 'utf8')));
    },
  };
  try {
    const code = await runInvocation(invocation, () => runCommand(request.command, command, request.args));
    if (!lost.socket) socket.end(exitFrame(code));
  } finally {
    stats.running -= 1;
  }
}

function serve(socket: net.Socket): void {
  let pending = Buffer.alloc(0);
  let started = false;
  const lost: Lost = { socket: false, fds: new Set() };
  const socketGone = () => {
    lost.socket = true;
  };
  socket.on('close', socketGone);
  socket.on('error', socketGone);
  socket.on('data', (chunk) => {
    if (started) {
      for (const fd of chunk) lost.fds.add(fd);
      return;
    }
    pending = Buffer.concat([pending, chunk]);
    let request: SimRequest | undefined;
    try {
      request = parseRequest(pending);
    } catch (err) {
      process.stderr.write(`sim-server: ${(err as Error).message}\n`);
      socket.destroy();
      return;
    }
    if (!request) return;
    started = true;
    for (const fd of pending.subarray(4 + pending.readUInt32LE(0))) lost.fds.add(fd);
    run(request, socket, lost).catch((err: unknown) => {
      process.stderr.write(`sim-server: ${request.command} on ${request.host}: ${(err as Error).stack ?? String(err)}\n`);
      if (!lost.socket) reply(socket, `${request.command}: ${(err as Error).message}\n`, 1);
    });
  });
}

// One command's stray failure must not take every host's commands down with it.
process.on('uncaughtException', (err) => process.stderr.write(`sim-server: uncaught: ${err.stack ?? String(err)}\n`));
process.on('unhandledRejection', (err) => process.stderr.write(`sim-server: unhandled rejection: ${(err as Error).stack ?? String(err)}\n`));
process.on('SIGTERM', () => process.exit(0));

const server = net.createServer(serve);
server.on('error', (err) => {
  process.stderr.write(`sim-server: ${err.message}\n`);
  process.exit(1);
});
server.listen(`\0${socketName}`, () => process.stdout.write(`listening on @${socketName}\n`));
