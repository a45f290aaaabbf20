/**
 * The wire between a simulated command's thin client (client.c) and the lab's simulator server.
 * Request: u32le length, then NUL-terminated strings: MAGIC, command, host name, cwd, pid, argc,
 * the arguments, then KEY=VALUE for each forwarded environment variable that is set.
 * Replies: frames of one kind byte, u32le length, payload: stdout or stderr bytes, then one exit
 * frame whose payload is the u32le exit code.
 */
export const MAGIC = 'kubeha-sim/1';

/** What the client forwards of its environment (everything the simulator reads of it). */
export const FORWARDED_ENV = ['HOME', 'KUBECONFIG', 'KUBEHA_DEBUG'] as const;

/** The request that asks the server for its counters instead of running a command. */
export const STATS_COMMAND = 'kubeha-sim-stats';

export const FRAME = { stdout: 1, stderr: 2, exit: 3 } as const;

export interface SimRequest {
  command: string;
  host: string;
  cwd: string;
  pid: number;
  args: string[];
  env: Record<string, string>;
}

export class ProtocolError extends Error {}

/** The request at the start of `buf`, once all of it has arrived (undefined before). */
export function parseRequest(buf: Buffer): SimRequest | undefined {
  if (buf.length < 4) return undefined;
  const length = buf.readUInt32LE(0);
  if (length > 16 * 1024 * 1024) throw new ProtocolError(`request of ${length} bytes`);
  if (buf.length < 4 + length) return undefined;
  const fields = buf.subarray(4, 4 + length).toString('utf8').split('\0');
  if (fields.at(-1) === '') fields.pop();
  const [magic, command, host, cwd, pid, argc, ...rest] = fields;
  if (magic !== MAGIC || command === undefined || host === undefined || cwd === undefined) throw new ProtocolError('not a kubeha-sim request');
  const n = Number(argc);
  if (!Number.isInteger(n) || n < 0 || n > rest.length) throw new ProtocolError(`bad argument count ${argc}`);
  const env: Record<string, string> = {};
  for (const kv of rest.slice(n)) {
    const eq = kv.indexOf('=');
    if (eq > 0 && (FORWARDED_ENV as readonly string[]).includes(kv.slice(0, eq))) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return { command, host, cwd, pid: Number(pid), args: rest.slice(0, n), env };
}

export function encodeRequest(request: SimRequest): Buffer {
  const env = Object.entries(request.env).map(([k, v]) => `${k}=${v}`);
  const fields = [MAGIC, request.command, request.host, request.cwd, String(request.pid), String(request.args.length), ...request.args, ...env];
  const body = Buffer.from(fields.map((f) => `${f}\0`).join(''), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length);
  return Buffer.concat([head, body]);
}

export function frame(kind: (typeof FRAME)[keyof typeof FRAME], payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(kind, 0);
  head.writeUInt32LE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

export function exitFrame(code: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32LE(code >>> 0);
  return frame(FRAME.exit, payload);
}
