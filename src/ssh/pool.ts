/**
 * One pooled ssh2 Client per host: reconnects when closed, runs scripts with a per-command
 * timeout and AbortSignal, writes files atomically only when their content changed.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { killCommand, PID_MARKER, wrapCommand } from './command';
import { HandshakeSlots } from './handshake-slots';
import { connectClient } from './connect';
import type { SshError} from './errors';
import { RemoteCommandError, SshAbortedError, SshConnectError, SshTimeoutError } from './errors';
import type { Script } from './quote';
import { defineScript, q, sh } from './quote';
import { LineRedactor, redact, tailLines } from './redact';
import type { SshTarget } from './target';
import { needsSudo, poolKey } from './target';

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Redacted output as it arrives, in whole lines (each chunk ends with a newline, except the
   * last one of a stream when the command's output did not).
   */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Called as the command is sent, once the connection is up: times the command without the handshake. */
  onExec?: () => void;
  /** Values to redact wherever this command's output is shown (onOutput, errors): e.g. a token or key it handles. */
  secrets?: readonly string[];
  /** Sent on the command's stdin (e.g. file content or secrets), then stdin is closed; a stream is piped in until it ends. */
  stdin?: string | Buffer | Readable;
  /**
   * The command's stdout goes here as raw bytes (ended when the command ends), never collected,
   * decoded or shown: for key material streamed from one host into another's stdin.
   */
  stdoutTo?: Writable;
}

export interface RunResult {
  code: number;
  /** Raw output: may hold secrets the caller asked for; redact before logging. */
  stdout: string;
  stderr: string;
}

export interface SshRunner {
  run(target: SshTarget, script: Script, options?: RunOptions): Promise<RunResult>;
  /** Like run, but a non-zero exit throws RemoteCommandError with redacted output. */
  runChecked(target: SshTarget, script: Script, options?: RunOptions): Promise<RunResult>;
  writeFile(target: SshTarget, path: string, content: string | Buffer, mode: number, options?: RunOptions): Promise<{ changed: boolean }>;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/**
 * How long a host may take to answer a command's exec (session open and exec request), at most
 * the command's own timeout. Two preflights of a 5+500 bench ran into their 2-minute activity
 * timeout with no command timeout firing: this wait was the one none covered.
 */
export const EXEC_START_TIMEOUT_MS = 30_000;

/** Replaces `path` atomically with stdin, only when content or mode differ. */
export const writeFileScript = defineScript<{ path: string; mode: string }>('write-file', {
  body: ({ path, mode }) => sh`target=${q(path)}
dir=\${target%/*}
mkdir -p -- "$dir"
tmp=$(mktemp "$target.kubeha.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
cat > "$tmp"
if [ -f "$target" ] && cmp -s -- "$tmp" "$target" && [ "$(stat -c %a -- "$target")" = ${q(mode)} ]; then echo unchanged; exit 0; fi
chmod ${q(mode)} -- "$tmp"
mv -f -- "$tmp" "$target"
trap - EXIT
echo changed`,
});

/**
 * How long a host's connection stays open with nothing running on it: longer than a host of a
 * 500-host bring-up waits between its preflight and its join (up to about 4 minutes on the
 * bench), so one connection serves it. At 60 s nearly every worker of 5+500 needed a second one,
 * about 90 ms of its sshd's CPU each time; an idle connection costs the worker about 10 KiB.
 */
export const DEFAULT_IDLE_CLOSE_MS = 300_000;

export interface SshPoolOptions {
  keepaliveIntervalMs?: number;
  /**
   * A host's connection is closed once nothing has run on it for this long (0: kept until
   * `close()`): when its work in an operation is done, a host of a 500-node bring-up stops
   * holding a session on its sshd and memory in the worker.
   */
  idleCloseMs?: number;
  /** How many connections may be in their handshake at once (DEFAULT_HANDSHAKE_SLOTS). */
  handshakeSlots?: number;
}

/** Connections opened at once; the rest wait their turn, their connect timeout not yet running. */
export const DEFAULT_HANDSHAKE_SLOTS = 32;

export class SshPool implements SshRunner {
  private readonly clients = new Map<string, Promise<Client>>();
  /** Commands running per connection (and connections tunnelled through it), and its idle timer. */
  private readonly usage = new Map<string, { users: number; idle?: NodeJS.Timeout }>();
  private closed = false;
  private readonly handshakes: HandshakeSlots;

  constructor(private readonly options: SshPoolOptions = {}) {
    this.handshakes = new HandshakeSlots(options.handshakeSlots ?? DEFAULT_HANDSHAKE_SLOTS);
  }

  /** Connections open or opening (for tests and the bench). */
  get openConnections(): number {
    return this.clients.size;
  }

  private acquire(key: string): void {
    const entry = this.usage.get(key) ?? { users: 0 };
    entry.users++;
    clearTimeout(entry.idle);
    entry.idle = undefined;
    this.usage.set(key, entry);
  }

  private release(key: string): void {
    const entry = this.usage.get(key);
    if (!entry) return;
    entry.users--;
    const idleMs = this.options.idleCloseMs ?? DEFAULT_IDLE_CLOSE_MS;
    if (entry.users > 0 || idleMs <= 0) return;
    entry.idle = setTimeout(() => this.closeIdle(key), idleMs);
    entry.idle.unref();
  }

  private closeIdle(key: string): void {
    const pending = this.clients.get(key);
    this.clients.delete(key);
    this.usage.delete(key);
    void pending?.then(
      (client) => client.end(),
      () => undefined,
    );
  }

  private client(target: SshTarget): Promise<Client> {
    if (this.closed) return Promise.reject(new SshConnectError('SSH pool is closed', { host: target.name, op: 'connect' }));
    const key = poolKey(target);
    const existing = this.clients.get(key);
    if (existing) return existing;
    const pending = this.open(target);
    this.clients.set(key, pending);
    pending.then(
      (client) => {
        const forget = (): void => {
          if (this.clients.get(key) === pending) this.clients.delete(key);
        };
        client.once('close', forget);
        client.once('end', forget);
        client.on('error', forget);
      },
      () => {
        if (this.clients.get(key) === pending) this.clients.delete(key);
      },
    );
    return pending;
  }

  private async open(target: SshTarget): Promise<Client> {
    const { ssh } = target;
    const common = {
      privateKeyPath: ssh.privateKey,
      knownHostsPath: ssh.knownHosts,
      acceptNewHostKeys: ssh.acceptNewHostKeys,
      connectTimeoutMs: ssh.connectTimeoutMs,
      keepaliveIntervalMs: this.options.keepaliveIntervalMs,
    };
    if (!ssh.jumpHost) {
      return this.handshakes.run(() => connectClient({ ...common, name: target.name, address: target.address, port: ssh.port, user: ssh.user }));
    }
    const jumpTarget: SshTarget = {
      name: `${target.name} (jump host ${ssh.jumpHost.address})`,
      address: ssh.jumpHost.address,
      ssh: { ...ssh, user: ssh.jumpHost.user, port: ssh.jumpHost.port, jumpHost: undefined },
    };
    const jump = await this.client(jumpTarget);
    // The jump host's connection carries this one: it counts as in use while this one is open.
    const jumpKey = poolKey(jumpTarget);
    this.acquire(jumpKey);
    const sock = await new Promise<ClientChannel>((resolve, reject) => {
      jump.forwardOut('127.0.0.1', 0, target.address, ssh.port, (err, stream) => {
        if (err) this.release(jumpKey);
        if (err) reject(new SshConnectError(`jump host ${ssh.jumpHost?.address} cannot reach ${target.address}:${ssh.port}: ${err.message}`, { host: target.name, op: 'connect' }));
        else resolve(stream);
      });
    });
    sock.once('close', () => this.release(jumpKey));
    return this.handshakes.run(() => connectClient({ ...common, name: target.name, address: target.address, port: ssh.port, user: ssh.user, sock }));
  }

  async run(target: SshTarget, script: Script, options: RunOptions = {}): Promise<RunResult> {
    if (options.signal?.aborted) throw new SshAbortedError(`${script.name} cancelled before it started`, { host: target.name, op: 'exec', command: script.name });
    const key = poolKey(target);
    this.acquire(key);
    try {
      return await this.runOn(target, script, options);
    } finally {
      this.release(key);
    }
  }

  /** Takes a connection out of the pool and ends it: the next command on its host opens a fresh one. */
  private drop(target: SshTarget, client: Client): void {
    const key = poolKey(target);
    const pending = this.clients.get(key);
    void pending?.then((current) => {
      if (current === client && this.clients.get(key) === pending) this.clients.delete(key);
    }, () => undefined);
    client.end();
  }

  private async runOn(target: SshTarget, script: Script, options: RunOptions): Promise<RunResult> {
    const client = await this.client(target);
    const sudo = needsSudo(target);
    const startWithinMs = Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, EXEC_START_TIMEOUT_MS);
    return new Promise<RunResult>((resolve, reject) => {
      let answered = false;
      // A host that never answers the exec (its connection gone quiet) is not left to the
      // activity's timeout: the command fails, retryable, and its retry gets a new connection.
      const unanswered = setTimeout(() => {
        answered = true;
        client.removeListener('close', closedFirst);
        this.drop(target, client);
        reject(new SshTimeoutError(`${target.name} did not start ${script.name} within ${startWithinMs} ms; its connection was closed`, { host: target.name, op: 'exec', command: script.name }));
      }, startWithinMs);
      // A connection that closes (e.g. its keepalives went unanswered) leaves an exec sent on it unanswered for good.
      const closedFirst = (): void => {
        if (answered) return;
        answered = true;
        clearTimeout(unanswered);
        reject(new SshConnectError(`the connection to ${target.name} closed before ${script.name} started`, { host: target.name, op: 'exec', command: script.name }));
      };
      client.once('close', closedFirst);
      options.onExec?.();
      client.exec(wrapCommand(script, sudo), (err, channel) => {
        client.removeListener('close', closedFirst);
        if (answered) {
          if (!err) channel.close();
          return;
        }
        answered = true;
        clearTimeout(unanswered);
        if (err) reject(new SshConnectError(`cannot start ${script.name}: ${err.message}`, { host: target.name, op: 'exec', command: script.name }));
        // Listeners go on in this callback, not after an await: a short command's output, exit
        // status and close can arrive in the same read as the exec's success, and ssh2 emits
        // `exit` once, synchronously; a listener added a microtask later would miss it.
        else resolve(this.collect(client, target, script, channel, sudo, options));
      });
    });
  }

  private collect(client: Client, target: SshTarget, script: Script, channel: ClientChannel, sudo: boolean, options: RunOptions): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const secrets = options.secrets ?? [];
    const shown = (text: string): string => tailLines(redact(text, secrets));
    const onOutput = options.onOutput;
    const streams = {
      stdout: { decoder: new StringDecoder('utf8'), redactor: onOutput ? new LineRedactor((t) => onOutput(t, 'stdout'), secrets) : undefined },
      stderr: { decoder: new StringDecoder('utf8'), redactor: onOutput ? new LineRedactor((t) => onOutput(t, 'stderr'), secrets) : undefined },
    };
    const flush = (): void => {
      for (const stream of Object.values(streams)) stream.redactor?.end();
    };
    return new Promise<RunResult>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      let pid: number | undefined;
      let pending = '';
      let settled = false;
      let exitCode: number | undefined;
      let exitSignal: string | undefined;

      const finish = (result: RunResult | SshError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        flush();
        options.stdoutTo?.end();
        options.signal?.removeEventListener('abort', onAbort);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const stop = (error: SshError): void => {
        if (pid !== undefined) {
          client.exec(killCommand(pid, sudo), (err, ch) => {
            if (!err) {
              ch.on('data', () => undefined).on('close', () => undefined);
              ch.stderr.on('data', () => undefined);
            }
          });
        }
        try {
          channel.signal('TERM');
        } catch {
          /* channel already gone */
        }
        channel.close();
        finish(error);
      };
      const onAbort = (): void =>
        stop(new SshAbortedError(`${script.name} cancelled`, { host: target.name, op: 'exec', command: script.name, stderr: shown(stderr) }));
      const timer = setTimeout(
        () => stop(new SshTimeoutError(`${script.name} did not finish within ${timeoutMs} ms`, { host: target.name, op: 'exec', command: script.name, stderr: shown(stderr), stdout: shown(stdout) })),
        timeoutMs,
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });

      let head: Buffer | undefined = Buffer.alloc(0);
      const passOn = (data: Buffer, to: Writable): void => {
        let rest = data;
        if (head) {
          head = Buffer.concat([head, data]);
          const nl = head.indexOf(0x0a);
          if (nl < 0) return;
          const first = head.subarray(0, nl).toString('utf8');
          rest = first.startsWith(PID_MARKER) ? head.subarray(nl + 1) : head;
          if (first.startsWith(PID_MARKER)) pid = Number(first.slice(PID_MARKER.length));
          head = undefined;
        }
        if (rest.length > 0 && !to.write(rest)) {
          channel.pause();
          to.once('drain', () => channel.resume());
        }
      };

      channel.on('data', (data: Buffer) => {
        if (options.stdoutTo) {
          passOn(data, options.stdoutTo);
          return;
        }
        let text = streams.stdout.decoder.write(data);
        if (pid === undefined) {
          pending += text;
          const nl = pending.indexOf('\n');
          if (nl < 0) return;
          const first = pending.slice(0, nl);
          text = pending.slice(nl + 1);
          pending = '';
          if (first.startsWith(PID_MARKER)) pid = Number(first.slice(PID_MARKER.length));
          else text = `${first}\n${text}`;
        }
        stdout += text;
        if (text) streams.stdout.redactor?.push(text);
      });
      channel.stderr.on('data', (data: Buffer) => {
        const text = streams.stderr.decoder.write(data);
        stderr += text;
        streams.stderr.redactor?.push(text);
      });
      channel.on('exit', (code: number | null, signal?: string) => {
        exitCode = code ?? undefined;
        exitSignal = signal;
      });
      channel.on('close', () => {
        if (exitCode === undefined && exitSignal === undefined) {
          finish(new SshConnectError(`connection lost while running ${script.name}`, { host: target.name, op: 'exec', command: script.name, stderr: shown(stderr) }));
          return;
        }
        const restOut = pending + streams.stdout.decoder.end();
        const restErr = streams.stderr.decoder.end();
        streams.stdout.redactor?.push(restOut);
        streams.stderr.redactor?.push(restErr);
        finish({ code: exitCode ?? 128, stdout: stdout + restOut, stderr: stderr + restErr });
      });
      const stdin = options.stdin;
      if (stdin === undefined) channel.end();
      else if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) channel.end(stdin);
      else stdin.pipe(channel);
    });
  }

  async runChecked(target: SshTarget, script: Script, options: RunOptions = {}): Promise<RunResult> {
    const result = await this.run(target, script, options);
    if (result.code !== 0) {
      const secrets = options.secrets ?? [];
      throw new RemoteCommandError(`${script.name} exited with code ${result.code}: ${lastLine(redact(result.stderr || result.stdout, secrets))}`, {
        host: target.name,
        op: 'exec',
        command: script.name,
        exitCode: result.code,
        stderr: tailLines(redact(result.stderr, secrets)),
        stdout: tailLines(redact(result.stdout, secrets)),
      });
    }
    return result;
  }

  async writeFile(target: SshTarget, path: string, content: string | Buffer, mode: number, options: RunOptions = {}): Promise<{ changed: boolean }> {
    const script = writeFileScript.render({ path, mode: mode.toString(8) });
    const result = await this.runChecked(target, { ...script, name: `write-file ${path}` }, { ...options, stdin: content });
    return { changed: result.stdout.trim().endsWith('changed') && !result.stdout.trim().endsWith('unchanged') };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.usage.values()) clearTimeout(entry.idle);
    this.usage.clear();
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((p) => p.then((c) => c.end(), () => undefined)));
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1]?.trim() ?? '(no output)';
}
