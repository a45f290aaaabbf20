/**
 * End-to-end bring-up rig: a lab, the shared dev server, the real activities over real SSH and
 * the encrypting codec on client and worker, with the worker in process or in a child process
 * that a test can SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { parse, stringify } from 'yaml';
import type { LabHandle, StartLabOptions } from '../../lab';
import { labPaths } from '../../lab/layout';
import { workflowBundleOptions } from '../../src/worker/bundle-options';
import { kubehaDataConverter, loadCodec } from '../../src/codec';
import { openKubehaClient, type OpenedClient } from '../../src/client/temporal-options';
import { createActivities } from '../../src/activities';
import type { WorkerFiles } from '../../src/activities/worker-files';
import { createLogger } from '../../src/logging';
import { SshPool } from '../../src/ssh/pool';
import type { ClusterSpec } from '../../src/spec/types';
import { loadSpecFile } from '../../src/spec/load';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { startTestLab } from './lab';
import { testEnv, testTemporalAddress, uniqueTaskQueue } from './temporal';
export { historyText } from './history-text';

export const ETCD_PKI = '--cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key';
export const ADMIN_CONF = '/etc/kubernetes/admin.conf';

/** One codec key for the whole test process; set before any client or worker loads it. */
export function useTestCodecKey(): void {
  process.env.KUBEHA_CODEC_KEY ??= randomBytes(32).toString('base64');
}

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow code, bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflowCode(workflowBundleOptions(require.resolve('../../src/workflows')));
  return bundlePromise;
}

/** The real activities on their own SSH pool (close it when the worker is gone). */
/** The worker's files for a lab: its key and known_hosts live in the lab directory (whatever a spec says). */
export function labWorkerFiles(labDir: string): WorkerFiles {
  return { sshKeyDir: labDir, knownHosts: labPaths(labDir).knownHosts, acceptNewHostKeys: false };
}

export function realActivities(files?: WorkerFiles): { activities: object; ssh: SshPool } {
  const ssh = new SshPool();
  const logger = createLogger({ level: process.env.KUBEHA_TEST_LOG_LEVEL ?? 'silent' });
  return { activities: createActivities({ ssh, logger, ...(files ? { files } : {}) }), ssh };
}

export interface RigOptions extends Omit<StartLabOptions, 'dir' | 'name' | 'addressPrefix'> {
  addressPrefix: string;
  /** Cluster name prefix; a random suffix keeps workflow ids unique on the shared server. */
  name: string;
}

/** A cluster.yaml as parsed YAML, for tests to break or extend. */
export interface SpecDoc {
  metadata: { name: string };
  spec: Record<string, unknown>;
}

export interface InProcessWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export interface ChildWorker {
  child: ChildProcess;
  /** Output so far, for failure messages. */
  output(): string;
  kill(): Promise<void>;
}

export interface Rig {
  lab: LabHandle & { dispose(): Promise<void> };
  env: TestWorkflowEnvironment;
  name: string;
  spec: ClusterSpec;
  /** The lab's cluster.yaml (it asks preflight to fix the fresh hosts) as a new file; `patch` edits the document first. */
  specFile(patch?: (doc: SpecDoc) => void): string;
  flags: { address: string; taskQueue: string };
  opened: OpenedClient;
  workflowId: string;
  startWorker(): Promise<InProcessWorker>;
  startChildWorker(): Promise<ChildWorker>;
  /** Runs a command on a lab host and returns stdout; throws with the whole result when it fails. */
  ok(host: string, command: string): Promise<string>;
  dispose(): Promise<void>;
}

/** A rig around a new lab; `dispose()` stops the workers, the client and the lab. */
export async function startRig(options: RigOptions): Promise<Rig> {
  useTestCodecKey();
  const name = `${options.name}-${randomBytes(3).toString('hex')}`;
  const { name: _ignored, ...labOptions } = options;
  const lab = await startTestLab({ timeScale: 600, installPackages: false, ...labOptions, name });
  const scratch = mkdtempSync(path.join(tmpdir(), 'kubeha-bringup-'));
  // KUBEHA_TEST_KEEP_LAB=1 leaves the lab running for a look after a failure (stop it with `kubeha lab down --dir`).
  const keepLab = process.env.KUBEHA_TEST_KEEP_LAB === '1';
  const cleanups: Array<() => Promise<void>> = [
    async () => (keepLab ? void process.stdout.write(`lab kept running in ${lab.dir}\n`) : lab.dispose()),
    () => rm(scratch, { recursive: true, force: true }),
  ];
  try {
    const env = await testEnv();
    cleanups.unshift(() => env.teardown());
    const baseFile = labPaths(lab.dir).clusterSpec;
    const { spec } = await loadSpecFile(baseFile);
    const taskQueue = uniqueTaskQueue('bringup-lab');
    const flags = { address: testTemporalAddress(), taskQueue };
    const opened = await openKubehaClient(flags);
    cleanups.unshift(() => opened.close());
    let variants = 0;

    const rig: Rig = {
      lab,
      env,
      name,
      spec,
      flags,
      opened,
      workflowId: `kubeha-bringup-${name}`,
      specFile(patch) {
        const doc = parse(readFileSync(baseFile, 'utf8')) as SpecDoc;
        patch?.(doc);
        const file = path.join(scratch, `cluster-${++variants}.yaml`);
        writeFileSync(file, stringify(doc));
        return file;
      },
      async startWorker() {
        const { activities, ssh } = realActivities(labWorkerFiles(lab.dir));
        const worker = await createKubehaWorker({
          connection: env.nativeConnection,
          namespace: 'default',
          taskQueue,
          activities,
          workflowBundle: await workflowBundle(),
          dataConverter: kubehaDataConverter(loadCodec().codec),
          shutdownGraceTimeMs: 1_000,
        });
        const done = worker.run();
        const stop = async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await done;
          await ssh.close();
        };
        cleanups.unshift(stop);
        return { worker, stop };
      },
      async startChildWorker() {
        const child = await spawnChildWorker(scratch, taskQueue, labWorkerFiles(lab.dir));
        const kill = async () => {
          if (child.child.exitCode === null && child.child.signalCode === null) {
            const exited = new Promise((r) => child.child.once('exit', r));
            child.child.kill('SIGKILL');
            await exited;
          }
        };
        cleanups.unshift(kill);
        return { ...child, kill };
      },
      async ok(host, command) {
        const r = await lab.host(host).run(command, { timeoutMs: 60_000 });
        if (r.code !== 0) throw new Error(`${host}: \`${command}\` exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
        return r.stdout;
      },
      async dispose() {
        for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
      },
    };
    return rig;
  } catch (err) {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    throw err;
  }
}

const CHILD_SCRIPT = `
const { NativeConnection, Runtime, DefaultLogger } = require('@temporalio/worker');
const { createKubehaWorker } = require('./src/worker/create-worker');
const { kubehaDataConverter, loadCodec } = require('./src/codec');
const { createLogger } = require('./src/logging');
const { createActivities } = require('./src/activities/index');
(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const [address, taskQueue, codePath, files] = process.argv.slice(1);
  const connection = await NativeConnection.connect({ address });
  const worker = await createKubehaWorker({
    connection, namespace: 'default', taskQueue,
    activities: createActivities({ logger: createLogger({ level: 'warn' }), files: JSON.parse(files) }),
    workflowBundle: { codePath },
    dataConverter: kubehaDataConverter(loadCodec().codec),
  });
  const running = worker.run();
  process.stdout.write('KUBEHA-CHILD-WORKER-RUNNING\\n');
  await running;
})().catch((err) => { console.error(err); process.exit(1); });
`;

/**
 * A real worker in its own process, built from dist/ (run `npx tsc -p tsconfig.build.json` first),
 * serving the parent's task queue with the parent's workflow bundle and codec key.
 */
async function spawnChildWorker(scratch: string, taskQueue: string, files: WorkerFiles): Promise<Omit<ChildWorker, 'kill'>> {
  const dist = path.join(__dirname, '..', '..', 'dist');
  const needed = path.join(dist, 'src', 'activities', 'index.js');
  if (!existsSync(needed)) throw new Error(`${needed} is missing: run \`npx tsc -p tsconfig.build.json\` before this test`);
  const codePath = path.join(scratch, 'workflow-bundle.js');
  if (!existsSync(codePath)) writeFileSync(codePath, (await workflowBundle()).code);
  const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, testTemporalAddress(), taskQueue, codePath, JSON.stringify(files)], {
    cwd: dist,
    env: { ...process.env, NODE_PATH: path.join(__dirname, '..', '..', 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child worker did not start in 60 s:\n${output}`)), 60_000);
    const onData = () => {
      if (output.includes('KUBEHA-CHILD-WORKER-RUNNING')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the child worker exited (${code}) before it ran:\n${output}`));
    });
  });
  return { child, output: () => output };
}

/** Waits until `probe` returns a value (errors count as not yet). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface EtcdMemberJson {
  ID?: number | string;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}

/** The lab's real etcd, asked on `host` through its own client certificates. */
export async function etcdMembers(rig: Rig, host: string): Promise<EtcdMemberJson[]> {
  const address = rig.lab.config.hosts.find((h) => h.name === host)?.address;
  const out = await rig.ok(host, `ETCDCTL_API=3 etcdctl --endpoints https://${address}:2379 ${ETCD_PKI} member list -w json`);
  return (JSON.parse(out) as { members?: EtcdMemberJson[] }).members ?? [];
}

export interface EtcdMemberRow {
  /** Hex, as etcdctl prints it (JSON would round the uint64). */
  id: string;
  status: string;
  name: string;
  isLearner: boolean;
}

/** `etcdctl member list -w simple` on `host`: `id, status, name, peer, client, learner`. */
export async function etcdMemberRows(rig: Rig, host: string): Promise<EtcdMemberRow[]> {
  const address = rig.lab.config.hosts.find((h) => h.name === host)?.address;
  const out = await rig.ok(host, `ETCDCTL_API=3 etcdctl --endpoints https://${address}:2379 ${ETCD_PKI} member list -w simple`);
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(', '))
    .map(([id, status, name, , , learner]) => ({ id: id ?? '', status: status ?? '', name: name ?? '', isLearner: learner === 'true' }));
}

/** A started member has a name and client URLs (an added-but-unstarted one has neither). */
export function startedMemberNames(members: EtcdMemberJson[]): string[] {
  return members.filter((m) => m.name && (m.clientURLs?.length ?? 0) > 0 && !m.isLearner).map((m) => m.name as string).sort();
}

interface NodeJson {
  metadata: { name: string };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

/** Node names whose Ready condition is True, from the lab's `kubectl get nodes -o json`. */
export async function readyNodes(rig: Rig, host: string): Promise<string[]> {
  const out = await rig.ok(host, `kubectl --kubeconfig ${ADMIN_CONF} get nodes -o json`);
  const nodes = (JSON.parse(out) as { items: NodeJson[] }).items;
  return nodes
    .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((n) => n.metadata.name)
    .sort();
}

/** Every payload in a history decoded through the codec, as text: what the secrets look like to someone holding the key. */
export async function decodedHistoryText(history: unknown): Promise<string> {
  const { codec } = loadCodec();
  const payloads: Array<{ metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }> = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
    const v = value as Record<string, unknown>;
    if (v.metadata && typeof v.metadata === 'object' && v.data instanceof Uint8Array) payloads.push(v as (typeof payloads)[number]);
    else for (const child of Object.values(v)) walk(child);
  };
  walk(history);
  const decoded = await codec.decode(payloads);
  return decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
}
