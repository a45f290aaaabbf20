/**
 * Runs remote scripts for one activity: heartbeats while a command runs, honours the
 * activity's cancellation, logs redacted output lines prefixed with the host.
 */
import { PassThrough } from 'node:stream';
import { Context } from '@temporalio/activity';
import type { HostSpec } from '../spec/types';
import type { RunOptions, RunResult } from '../ssh/pool';
import type { Script } from '../ssh/quote';
import type { ActivityDeps } from './deps';
import { toFailure } from './failures';
import { workerSsh } from './worker-files';

const HEARTBEAT_MS = 5_000;

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export interface Step {
  readonly host: HostSpec;
  /** activityInfo().attempt, when running as an activity. */
  readonly attempt?: number;
  /** Runs a script; a non-zero exit is returned, not thrown. `onOutput` sees its lines as the step's log does. */
  run(script: Script, options?: Omit<RunOptions, 'signal'>): Promise<RunResult>;
  /** Runs a script; a non-zero exit throws RemoteCommandFailed. */
  runChecked(script: Script, options?: Omit<RunOptions, 'signal' | 'onOutput'>): Promise<RunResult>;
  writeFile(path: string, content: string, mode: number): Promise<{ changed: boolean }>;
  /**
   * Runs `send` on this host and `receive` on `to`'s, `send`'s stdout streamed into `receive`'s
   * stdin through the worker: never collected, decoded or logged (key material host to host).
   * When either side fails the other is stopped. `receive`'s output is returned as usual.
   */
  pipe(send: Script, to: Step, receive: Script, options?: { timeoutMs?: number }): Promise<{ sent: RunResult; received: RunResult }>;
  /** Waits between polls; rejects with a cancellation when the activity is cancelled. */
  wait(ms: number): Promise<void>;
  log(message: string, fields?: Record<string, unknown>): void;
}

export function hostStep(deps: ActivityDeps, spec: HostSpec, step: string): Step {
  // SSH with the worker's key, known_hosts and host-key policy, not the spec's (see worker-files.ts).
  const host: HostSpec = deps.files ? { ...spec, ssh: workerSsh(deps.files, spec.ssh) } : spec;
  const ctx = currentContext();
  const logger = deps.logger.child({ host: host.name, step });
  const signal = ctx?.cancellationSignal;

  async function beating<T>(what: string, work: () => Promise<T>): Promise<T> {
    ctx?.heartbeat({ step, command: what });
    const timer = ctx ? setInterval(() => ctx.heartbeat({ step, command: what }), HEARTBEAT_MS) : undefined;
    try {
      return await work();
    } catch (e) {
      throw toFailure(e);
    } finally {
      if (timer) clearInterval(timer);
    }
  }

  const onOutput = (chunk: string, stream: 'stdout' | 'stderr'): void => {
    for (const line of chunk.split('\n')) if (line.trim()) logger.debug({ stream }, `${host.name}: ${line}`);
  };

  return {
    host,
    attempt: ctx?.info.attempt,
    run: (script, options) =>
      beating(script.name, () =>
        deps.ssh.run(host, script, {
          ...options,
          signal,
          onOutput: (chunk, stream) => {
            onOutput(chunk, stream);
            options?.onOutput?.(chunk, stream);
          },
        }),
      ),
    runChecked: (script, options) => beating(script.name, () => deps.ssh.runChecked(host, script, { ...options, signal, onOutput })),
    writeFile: (path, content, mode) => beating(`write ${path}`, () => deps.ssh.writeFile(host, path, content, mode, { signal })),
    pipe: (send, to, receive, options) =>
      beating(`${send.name} | ${receive.name} on ${to.host.name}`, () => pipeBetween(deps, host, send, to.host, receive, { ...options, signal })),
    wait: (ms) => (ctx ? ctx.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms))),
    log: (message, fields) => logger.info(fields ?? {}, `${host.name}: ${message}`),
  };
}

/**
 * The sender's stdout into the receiver's stdin. A sender that exits non-zero still ends the
 * stream, so the receiver sees it incomplete and says so; a receiver that ends first stops the
 * sender; a lost connection on either side stops the other.
 */
async function pipeBetween(
  deps: ActivityDeps,
  from: HostSpec,
  send: Script,
  to: HostSpec,
  receive: Script,
  options: { timeoutMs?: number; signal?: AbortSignal },
): Promise<{ sent: RunResult; received: RunResult }> {
  const stream = new PassThrough();
  const stopSender = new AbortController();
  const stopReceiver = new AbortController();
  const onCancel = (): void => {
    stopSender.abort();
    stopReceiver.abort();
  };
  options.signal?.addEventListener('abort', onCancel, { once: true });
  try {
    let receiverEndedFirst = false;
    // The side that failed first is the cause; the other one was stopped because of it.
    let cause: unknown;
    const sending = deps.ssh.run(from, send, { timeoutMs: options.timeoutMs, signal: stopSender.signal, stdoutTo: stream });
    const receiving = deps.ssh.run(to, receive, { timeoutMs: options.timeoutMs, signal: stopReceiver.signal, stdin: stream });
    sending.catch((err: unknown) => {
      cause ??= err;
      stopReceiver.abort();
    });
    receiving.then(
      () => {
        receiverEndedFirst = !stream.writableEnded;
        if (receiverEndedFirst) stopSender.abort();
      },
      (err: unknown) => {
        cause ??= err;
        stopSender.abort();
      },
    );
    const [sent, received] = await Promise.allSettled([sending, receiving]);
    if (received.status === 'rejected') throw cause ?? received.reason;
    if (sent.status === 'fulfilled') return { sent: sent.value, received: received.value };
    if (receiverEndedFirst) return { sent: { code: 141, stdout: '', stderr: `stopped: ${to.name} ended before it had read everything` }, received: received.value };
    throw cause ?? sent.reason;
  } finally {
    options.signal?.removeEventListener('abort', onCancel);
  }
}
