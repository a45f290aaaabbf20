import type { RunOptions, RunResult, SshRunner } from '../../../src/ssh/pool';
import type { Script } from '../../../src/ssh/quote';
import type { SshTarget } from '../../../src/ssh/target';
import { RemoteCommandError } from '../../../src/ssh/errors';

export interface Call {
  host: string;
  name: string;
  text: string;
  stdin?: string;
}

type Handler = (script: Script, call: Call) => RunResult | Error;

/** Answers scripts by template name; records every call (text and stdin) for assertions. */
export class FakeSsh implements SshRunner {
  readonly calls: Call[] = [];
  readonly files = new Map<string, { content: string; mode: number }>();

  constructor(private readonly handlers: Record<string, Handler>) {}

  async run(target: SshTarget, script: Script, options: RunOptions = {}): Promise<RunResult> {
    const call = { host: target.name, name: script.name, text: script.text, stdin: options.stdin?.toString() };
    this.calls.push(call);
    const handler = this.handlers[script.name];
    if (!handler) throw new Error(`unexpected script ${script.name}`);
    const result = handler(script, call);
    if (result instanceof Error) throw result;
    return result;
  }

  async runChecked(target: SshTarget, script: Script, options?: RunOptions): Promise<RunResult> {
    const result = await this.run(target, script, options);
    if (result.code !== 0) throw new RemoteCommandError(`${script.name} exited with code ${result.code}`, { host: target.name, op: 'exec', command: script.name, exitCode: result.code, stderr: result.stderr });
    return result;
  }

  async writeFile(target: SshTarget, path: string, content: string | Buffer, mode: number): Promise<{ changed: boolean }> {
    this.calls.push({ host: target.name, name: `write ${path}`, text: '', stdin: content.toString() });
    const before = this.files.get(`${target.name}:${path}`);
    const changed = before?.content !== content.toString() || before.mode !== mode;
    this.files.set(`${target.name}:${path}`, { content: content.toString(), mode });
    return { changed };
  }

  async close(): Promise<void> {}
}

export const ok = (stdout = '', stderr = ''): RunResult => ({ code: 0, stdout, stderr });
export const fail = (code: number, stderr: string, stdout = ''): RunResult => ({ code, stdout, stderr });
