/** One size, end to end: kubeha's bring-up on a fresh lab, then the sequential baseline on another. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parseDocument } from 'yaml';
import type { LabHandle } from '../lab';
import { externalLbPid, labPids, simServerPid, startLab, stopLab, stopLabHostsAt } from '../lab';
import { labPaths } from '../lab/layout';
import { simServerStats, type SimServerStats } from '../lab/sim/server/stats';
import { LATENCY } from '../lab/sim/time';
import { loadCodec } from '../src/codec';
import { clusterWorkflowId } from '../src/shared/operations';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../src/shared/task-queue';
import { loadSpecFile } from '../src/spec/load';
import { runBaseline, type BaselineResult } from './baseline';
import { bringUpFigures, type BringUpFigures } from './bring-up-figures';
import { criticalPath, scaledLatencies, type CriticalPath, type ModelledLatencies } from './critical-path';
import { fetchWorkflowTree } from './histories';
import { labCpuMeter, type LabCpuMeter } from './lab-cpu';
import { peakRssBytes, processCpu, processesForked } from './proc';
import { runCli, startServer, stopCli, waitForPoller } from './services';
import { sshConnections, sshFigures, type SshFigures } from './ssh-connections';

export interface SizeInput {
  controlPlanes: number;
  workers: number;
  timeScale: number;
  addressPrefix: string;
  /** Scratch directory for this size (labs, dev server database, logs). */
  dir: string;
  baseline: boolean;
  /** Overrides the spec's `workers.maxConcurrentJoins` (to compare concurrencies). */
  workerJoins?: number;
  say: (line: string) => void;
}

export interface KubehaRun {
  ok: boolean;
  exit: number | string;
  /** `kubeha up` from exec to exit. */
  wallMs: number;
  labStartMs: number;
  cpuSeconds: { worker: number; workerIncludingStart: number; temporalServer: number; lab: number; up?: number; labMethod: LabCpuMeter['method'] };
  workerPeakRssBytes?: number;
  /**
   * The simulated commands the lab ran during the bring-up and the CPU of its simulator server
   * (the commands themselves and what they spawned, e.g. openssl); absent when the lab ran each
   * command as a Node process of its own.
   */
  labCommands?: LabCommands;
  /**
   * Forks on the whole machine during the bring-up (/proc/stat `processes`; threads count too):
   * on this kind of machine each process start costs the lab more than most commands' own work.
   */
  processesStarted?: number;
  ssh: SshFigures;
  figures?: BringUpFigures;
  criticalPath?: CriticalPath;
  ratio?: number;
  /** wall / the critical path with the control-plane joins as they ran (critical-path.ts `asRunMs`). */
  ratioAsRun?: number;
  workflowRatio?: number;
  /** `kubeha up` exec -> the bring-up workflow's start, and its end -> `kubeha up` exit: what the CLI adds. */
  cliMs?: { beforeWorkflow: number; afterWorkflow: number };
}

export interface LabCommands {
  count: number;
  serverCpuSeconds: number;
  /** Per simulated command (kubeadm, kubectl, sysctl, ...): where a host's command count goes. */
  byCommand?: Record<string, number>;
}

/** The simulator server's counters between two reads; undefined when either read got no answer. */
function commandsBetween(before: SimServerStats | undefined, after: SimServerStats | undefined, serverCpuSeconds: number): LabCommands | undefined {
  if (!before || !after) return undefined;
  const byCommand = Object.fromEntries(
    Object.entries(after.byCommand)
      .map(([command, n]) => [command, n - (before.byCommand[command] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]),
  );
  return { count: after.invocations - before.invocations, serverCpuSeconds, byCommand };
}

export interface SizeResult {
  size: string;
  controlPlanes: number;
  workers: number;
  timeScale: number;
  workerConcurrency: number;
  modelledMs: ModelledLatencies;
  loadAverageAtStart: number[];
  startedAt: string;
  kubeha: KubehaRun;
  baseline?: BaselineResult & { ssh: SshFigures; labCpuSeconds: number; labCommands?: LabCommands; processesStarted?: number };
  speedup?: number;
}

const MODEL: ModelledLatencies = { initMs: LATENCY.init, controlPlaneJoinMs: LATENCY.controlPlaneJoin, workerJoinMs: LATENCY.workerJoin, cniMs: LATENCY.cni };

/** The lab's spec with another worker-join concurrency, comments and order kept. */
async function setWorkerJoins(specFile: string, joins: number): Promise<void> {
  const doc = parseDocument(await readFile(specFile, 'utf8'));
  doc.setIn(['spec', 'workers', 'maxConcurrentJoins'], joins);
  await writeFile(specFile, doc.toString());
}

async function freshLab(input: SizeInput, name: string): Promise<{ lab: LabHandle; ms: number }> {
  // A crashed earlier run may have left hosts on these addresses.
  await stopLabHostsAt(input.addressPrefix);
  const started = Date.now();
  const lab = await startLab({
    dir: path.join(input.dir, name),
    controlPlanes: input.controlPlanes,
    workers: input.workers,
    // The lab's own HAProxy in front of the API servers: kubeha and the baseline script run the same kubeadm procedure.
    loadBalancer: 'external',
    timeScale: input.timeScale,
    addressPrefix: input.addressPrefix,
    name: `bench-${input.controlPlanes}-${input.workers}`,
  });
  return { lab, ms: Date.now() - started };
}

function labProcessIds(lab: LabHandle): number[] {
  const lb = externalLbPid(lab.dir);
  const sim = simServerPid(lab.dir);
  return [...[...labPids(lab.dir).values()].flat(), ...(lb ? [lb] : []), ...(sim ? [sim] : [])];
}

function meterLab(lab: LabHandle, tag: string): LabCpuMeter {
  const meter = labCpuMeter(`kubeha-bench-${process.pid}-${tag}`);
  meter.adopt(labProcessIds(lab));
  return meter;
}

/** KUBEHA_BENCH_WORKER_NODE_ARGS: node flags for `kubeha worker`, to profile it, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (written when the worker stops). */
const workerNodeArgs = () => (process.env.KUBEHA_BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

const cpuOf = (pid: number) => {
  const c = processCpu(pid);
  return c ? c.self + c.children : 0;
};

function simServerCpu(lab: LabHandle): number {
  const pid = simServerPid(lab.dir);
  return pid === undefined ? 0 : cpuOf(pid);
}

async function runKubeha(input: SizeInput, env: NodeJS.ProcessEnv): Promise<{ run: KubehaRun; concurrency: number }> {
  const { lab, ms: labStartMs } = await freshLab(input, 'lab');
  const cleanups: Array<() => Promise<void> | void> = [() => lab.stop()];
  try {
    const specFile = labPaths(lab.dir).clusterSpec;
    if (input.workerJoins !== undefined) await setWorkerJoins(specFile, input.workerJoins);
    const { spec } = await loadSpecFile(specFile);
    input.say('starting a Temporal dev server and a kubeha worker');
    const server = await startServer(path.join(input.dir, 'temporal'), input.say);
    cleanups.unshift(() => server.stop());
    const common = ['--address', server.address, '--namespace', DEFAULT_NAMESPACE];
    const worker = runCli(['worker', ...common, '--ssh-key-dir', lab.dir, '--known-hosts', labPaths(lab.dir).knownHosts], env, path.join(input.dir, 'worker.log'), workerNodeArgs());
    cleanups.unshift(() => stopCli(worker));
    const connection = await Connection.connect({ address: server.address });
    cleanups.unshift(() => connection.close());
    await waitForPoller(connection, DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE, worker);
    const meter = meterLab(lab, 'kubeha');
    cleanups.push(() => meter.dispose());
    const hosts = lab.config.hosts.map((h) => h.name);
    const before = {
      lab: meter.seconds(labProcessIds(lab)),
      worker: cpuOf(worker.pid),
      server: cpuOf(server.pid),
      ssh: sshConnections(lab.dir, hosts),
      commands: await simServerStats(lab.dir),
      simServer: simServerCpu(lab),
      forked: processesForked(),
    };
    input.say(`kubeha up: ${input.controlPlanes} control planes + ${input.workers} workers`);
    const up = runCli(['up', '-f', specFile, ...common], env, path.join(input.dir, 'up.log'));
    let upCpu = 0;
    const sampler = setInterval(() => (upCpu = Math.max(upCpu, cpuOf(up.pid))), 250);
    const exit = await up.exit;
    clearInterval(sampler);
    const wallMs = exit.at - up.startedAt;
    const after = {
      lab: meter.seconds(labProcessIds(lab)),
      worker: cpuOf(worker.pid),
      server: cpuOf(server.pid),
      ssh: sshConnections(lab.dir, hosts),
      commands: await simServerStats(lab.dir),
      simServer: simServerCpu(lab),
      forked: processesForked(),
    };
    const run: KubehaRun = {
      ok: exit.code === 0,
      exit: exit.code,
      wallMs,
      labStartMs,
      cpuSeconds: {
        worker: after.worker - before.worker,
        workerIncludingStart: after.worker,
        temporalServer: after.server - before.server,
        lab: after.lab - before.lab,
        up: upCpu,
        labMethod: meter.method,
      },
      workerPeakRssBytes: peakRssBytes(worker.pid),
      labCommands: commandsBetween(before.commands, after.commands, after.simServer - before.simServer),
      ...(before.forked !== undefined && after.forked !== undefined ? { processesStarted: after.forked - before.forked } : {}),
      ssh: sshFigures(before.ssh, after.ssh),
    };
    input.say(`kubeha up exited ${exit.code} after ${(wallMs / 1000).toFixed(1)} s; reading the histories`);
    const client = new Client({ connection, namespace: DEFAULT_NAMESPACE });
    const tree = await fetchWorkflowTree(client, clusterWorkflowId(spec.name), loadCodec({ env }).codec);
    const cps = spec.hosts.filter((h) => h.role === 'control-plane').map((h) => h.name);
    run.figures = bringUpFigures(tree, clusterWorkflowId(spec.name), cps);
    const { bringUpStartedAt, bringUpEndedAt } = run.figures;
    if (bringUpStartedAt !== undefined && bringUpEndedAt !== undefined) {
      run.cliMs = { beforeWorkflow: bringUpStartedAt - up.startedAt, afterWorkflow: exit.at - bringUpEndedAt };
    }
    const concurrency = spec.workers.maxConcurrentJoins;
    if (run.ok) {
      run.criticalPath = criticalPath({
        modelled: scaledLatencies(MODEL, lab.config.timeScale, lab.config.latencyScale),
        measured: run.figures.measured,
        controlPlanes: input.controlPlanes,
        workers: input.workers,
        workerConcurrency: concurrency,
      });
      run.ratio = wallMs / run.criticalPath.totalMs;
      if (run.criticalPath.asRunMs !== undefined) run.ratioAsRun = wallMs / run.criticalPath.asRunMs;
      if (run.figures.workflowSpanMs !== undefined) run.workflowRatio = run.figures.workflowSpanMs / run.criticalPath.totalMs;
    }
    return { run, concurrency };
  } finally {
    for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch((err: unknown) => input.say(`cleanup: ${String(err)}`));
  }
}

async function runBaselineOnFreshLab(input: SizeInput): Promise<NonNullable<SizeResult['baseline']>> {
  const { lab } = await freshLab(input, 'baseline-lab');
  const meter = meterLab(lab, 'baseline');
  try {
    const hosts = lab.config.hosts.map((h) => h.name);
    const before = { ssh: sshConnections(lab.dir, hosts), lab: meter.seconds(labProcessIds(lab)), commands: await simServerStats(lab.dir), simServer: simServerCpu(lab), forked: processesForked() };
    input.say('baseline: the seeds procedure as a sequential ssh script');
    const result = await runBaseline(lab);
    const forked = processesForked();
    const ssh = sshFigures(before.ssh, sshConnections(lab.dir, hosts));
    const labCommands = commandsBetween(before.commands, await simServerStats(lab.dir), simServerCpu(lab) - before.simServer);
    return {
      ...result,
      ssh,
      labCpuSeconds: meter.seconds(labProcessIds(lab)) - before.lab,
      ...(labCommands ? { labCommands } : {}),
      ...(before.forked !== undefined && forked !== undefined ? { processesStarted: forked - before.forked } : {}),
    };
  } finally {
    await lab.stop();
    await meter.dispose().catch((err: unknown) => input.say(`cleanup: ${String(err)}`));
  }
}

export async function runSize(input: SizeInput): Promise<SizeResult> {
  // Labs a crashed earlier run left in this directory (a big one spills past the first prefix).
  for (const name of ['lab', 'baseline-lab']) if (existsSync(path.join(input.dir, name, 'lab.json'))) await stopLab(path.join(input.dir, name));
  rmSync(input.dir, { recursive: true, force: true });
  mkdirSync(input.dir, { recursive: true });
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = os.loadavg();
  // One codec key per run, handed to the worker and `kubeha up` (and used here to read activity summaries).
  const env = { KUBEHA_CODEC_KEY: randomBytes(32).toString('base64'), KUBEHA_CODEC_KEY_FILE: '' };
  const { run, concurrency } = await runKubeha(input, env);
  const result: SizeResult = {
    size: `${input.controlPlanes}+${input.workers}`,
    controlPlanes: input.controlPlanes,
    workers: input.workers,
    timeScale: input.timeScale,
    workerConcurrency: concurrency,
    modelledMs: scaledLatencies(MODEL, input.timeScale),
    loadAverageAtStart,
    startedAt,
    kubeha: run,
  };
  if (input.baseline) {
    result.baseline = await runBaselineOnFreshLab(input);
    if (result.baseline.ok && run.ok) result.speedup = result.baseline.wallMs / run.wallMs;
  }
  return result;
}
