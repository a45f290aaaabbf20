/**
 * Runs remote scripts for one activity: heartbeats while a command runs, honours the
 * activity's cancellation, logs redacted output lines prefixed with the host.
 */
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
  /** Runs a script; a non-zero exit is returned, not thrown. */
  run(script: Script, options?: Omit<RunOptions, 'signal' | 'onOutput'>): Promise<RunResult>;
  /** Runs a script; a non-zero exit throws RemoteCommandFailed. */
  runChecked(script: Script, options?: Omit<RunOptions, 'signal' | 'onOutput'>): Promise<RunResult>;
  writeFile(path: string, content: string, mode: number): Promise<{ changed: boolean }>;
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
    run: (script, options) => beating(script.name, () => deps.ssh.run(host, script, { ...options, signal, onOutput })),
    runChecked: (script, options) => beating(script.name, () => deps.ssh.runChecked(host, script, { ...options, signal, onOutput })),
    writeFile: (path, content, mode) => beating(`write ${path}`, () => deps.ssh.writeFile(host, path, content, mode, { signal })),
    wait: (ms) => (ctx ? ctx.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms))),
    log: (message, fields) => logger.info(fields ?? {}, `${host.name}: ${message}`),
  };
}
