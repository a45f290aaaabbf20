/** Runs a tool to completion with argument arrays (never a shell string) and its output kept for errors. */
import { spawn } from 'node:child_process';
import { EnvironmentError } from '../../src/errors';

export interface ToolRun {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user (the caller must be root). */
  user?: { uid: number; gid: number };
  /** What the step is, for the error message. */
  what: string;
  hint?: string;
}

export interface ToolResult {
  stdout: string;
  stderr: string;
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Resolves with the output of a zero exit; anything else is an EnvironmentError naming the step and its last lines. */
export function runTool(run: ToolRun): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, {
      cwd: run.cwd,
      env: run.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(run.user ? { uid: run.user.uid, gid: run.user.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => reject(new EnvironmentError(`${run.what}: cannot run ${run.command}: ${err.message}`, run.hint)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const output = lastLines(`${stdout}\n${stderr}`, 15);
      reject(new EnvironmentError(`${run.what}: ${run.command} exited ${code ?? signal}\n${output}`, run.hint));
    });
  });
}

/** Polls `probe` until it returns true; throws `failure()` once `timeoutMs` has passed. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, failure: () => Error, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw failure();
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
