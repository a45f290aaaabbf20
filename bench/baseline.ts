/** Runs bench/baseline.sh (the seeds' procedure as a sequential ssh script) against a lab. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { LabHandle } from '../lab';
import { labPaths } from '../lab/layout';

export interface BaselineStep {
  name: string;
  host: string;
  ms: number;
}

export interface BaselineResult {
  ok: boolean;
  wallMs: number;
  steps: BaselineStep[];
  /** The script's stderr tail when it failed. */
  error?: string;
}

export const BASELINE_SCRIPT = path.resolve(__dirname, '..', '..', 'bench', 'baseline.sh');

export function parseSteps(stdout: string): BaselineStep[] {
  return stdout
    .split('\n')
    .map((line) => /^STEP (\S+) (\S+) (\d+) (\d+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1] as string, host: m[2] as string, ms: Number(m[4]) - Number(m[3]) }));
}

export function runBaseline(lab: LabHandle): Promise<BaselineResult> {
  const paths = labPaths(lab.dir);
  const address = (role: string) => lab.config.hosts.filter((h) => h.role === role).map((h) => h.address);
  const args = [
    BASELINE_SCRIPT,
    paths.privateKey,
    paths.knownHosts,
    `${lab.config.vip}:${lab.config.apiServerPort}`,
    lab.config.kubernetesVersion,
    '10.244.0.0/16',
    ...address('control-plane'),
    '--',
    ...address('worker'),
  ];
  const started = Date.now();
  const child = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      const wallMs = Date.now() - started;
      const names = new Map(lab.config.hosts.map((h) => [h.address, h.name]));
      const steps = parseSteps(stdout).map((step) => ({ ...step, host: names.get(step.host) ?? step.host }));
      resolve({ ok: code === 0, wallMs, steps, ...(code === 0 ? {} : { error: stderr.trim().split('\n').slice(-5).join('\n') }) });
    });
  });
}
