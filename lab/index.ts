/**
 * The lab's programmatic API: simulated hosts behind real OpenSSH, each in its own mount+UTS
 * namespace. Used by the lab tests, `kubeha lab ...`, the demo and the benchmark.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { EnvironmentError, OperationError, UsageError } from '../src/client/errors';
import { writeClusterSpec } from './cluster-spec';
import type { FailNextFault } from './faults';
import { expireCertificateKey, failNext, slowHost } from './faults';
import { expireCertificatesIn } from './hosts/certificates';
import { bootHost, dropConnections, freezeHost, hostState, restartHost, stopHost, thawHost } from './hosts/control';
import type { HostState } from './hosts/control';
import { startExternalEtcd } from './hosts/external-etcd';
import { externalLbPid, startExternalLb, stopExternalLb } from './hosts/external-lb';
import { planLabHosts } from './hosts/plan';
import { mapBounded } from './hosts/pool';
import { killUntilGone, labHostsOnMachine, labProcesses } from './hosts/processes';
import { createHostRoot, ensureMountPoints } from './hosts/roots';
import type { RunOptions, RunResult } from './hosts/run';
import { runSsh } from './hosts/run';
import { wipeHost } from './hosts/wipe';
import { installSimBin } from './hosts/sim-bin';
import { simServerPid, stopSimServer } from './hosts/sim-server';
import { portIsFree } from './hosts/sshd';
import { createHostKeys, createUserKey } from './keys';
import type { LabConfig, LabHost, LabLoadBalancer } from './layout';
import { HOST_IDENTITY_FILE, labPaths } from './layout';
import { ensureLabPackages } from './packages';

export type { FailNextFault, HostState, RunOptions, RunResult };

export interface StartLabOptions {
  dir: string;
  controlPlanes?: number;
  workers?: number;
  loadBalancer?: LabLoadBalancer;
  timeScale?: number;
  latencyScale?: number;
  kubernetesVersion?: string;
  /** metadata.name of the written cluster.yaml. */
  name?: string;
  /** First three octets of the lab's addresses; lets several labs share one machine. */
  addressPrefix?: string;
  /** Hosts brought up at once. */
  concurrency?: number;
  /** Check (and apt-get install) the Debian packages first. */
  installPackages?: boolean;
  /**
   * `loadBalancer: 'external'` only: false runs the lab's HAProxy without health checks (and without
   * redispatch), as a naive load balancer would, so it keeps sending clients to a stopped API server.
   */
  loadBalancerHealthChecks?: boolean;
  /**
   * Members of an external etcd cluster on their own hosts (`etcd1`…, real etcd with a lab-made CA),
   * set up before any control plane, with the files kubeadm needs copied to the first control plane;
   * the written cluster.yaml then uses `etcd.topology: external`. 0 (the default): stacked etcd.
   */
  externalEtcd?: number;
}

export interface LabHostHandle {
  readonly host: LabHost;
  stop(): Promise<void>;
  /** Resolves once every process of the host is stopped. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  restart(): Promise<void>;
  /** A fresh OS at the same address: processes killed, Kubernetes and etcd state gone, packages as at `lab up`; same SSH host key. */
  wipe(): Promise<void>;
  /** Kills the sshd processes serving connections; returns how many. */
  dropConnections(): number;
  /** Multiplies this host's modelled command latencies (1 restores normal speed). */
  slow(factor: number): Promise<void>;
  /** The next `count` runs of `command` on this host fail with `message` and `exitCode`. */
  failNext(fault: Omit<FailNextFault, 'host'>): Promise<void>;
  /** Re-issues this control plane's kubeadm certificates to expire in `days` (its API server then serves one); their names. */
  expireCertificatesIn(days: number): Promise<string[]>;
  pids(): number[];
  state(): HostState;
  run(command: string, options?: RunOptions): Promise<RunResult>;
}

export interface LabHandle {
  readonly config: LabConfig;
  readonly dir: string;
  host(name: string): LabHostHandle;
  /** The uploaded certificate key (kubeadm-certs Secret) expires now. */
  expireCertificateKey(): Promise<void>;
  stop(): Promise<void>;
}

const LAB_ARTIFACTS = [
  'hosts', 'sim-bin', 'external-lb', 'lab.json', 'store.json', 'faults.json', 'cluster.yaml',
  'id_ed25519', 'id_ed25519.pub', 'known_hosts', 'authorized_keys', 'sim-server.pid', 'sim-server.log',
];

export function readLabConfig(dir: string): LabConfig {
  const file = labPaths(canonicalLabDir(dir)).config;
  if (!existsSync(file)) throw new UsageError(`no lab in ${canonicalLabDir(dir)} (${file} is missing)`, 'Start one with `kubeha lab up`.');
  return JSON.parse(readFileSync(file, 'utf8')) as LabConfig;
}

export function openLab(dir: string): LabHandle {
  const config = readLabConfig(dir);
  const hostHandle = (name: string): LabHostHandle => {
    const host = config.hosts.find((h) => h.name === name);
    if (!host) {
      throw new UsageError(`no host "${name}" in the lab in ${config.dir}`, `Hosts: ${config.hosts.map((h) => h.name).join(', ')}`);
    }
    return {
      host,
      stop: () => stopHost(config.dir, name),
      freeze: () => freezeHost(config.dir, name),
      thaw: () => thawHost(config.dir, name),
      restart: () => restartHost(config.dir, host),
      wipe: () => wipeHost(config, host),
      dropConnections: () => dropConnections(config.dir, name),
      slow: (factor) => slowHost(config.dir, name, factor),
      failNext: (fault) => failNext(config.dir, { ...fault, host: name }),
      expireCertificatesIn: (days) => expireCertificatesIn(config.dir, name, days),
      pids: () => labProcesses(config.dir, HOST_IDENTITY_FILE).get(name) ?? [],
      state: () => hostState(config.dir, name),
      run: (command, options) => runSsh(config.dir, host, command, options),
    };
  };
  return {
    config,
    dir: config.dir,
    host: hostHandle,
    expireCertificateKey: () => expireCertificateKey(config.dir),
    stop: () => stopLab(config.dir),
  };
}

/** Every process of every host of the lab in `dir`, by host name (found by scanning /proc). */
export function labPids(dir: string): Map<string, number[]> {
  return labProcesses(canonicalLabDir(dir), HOST_IDENTITY_FILE);
}

/**
 * Kills every process of the lab (all host namespaces, the external LB, the simulator server). Works from a fresh
 * process after a crash: it needs nothing but the directory.
 */
export async function stopLab(dir: string): Promise<void> {
  const labDir = canonicalLabDir(dir);
  await stopExternalLb(labDir);
  // The simulator server goes first: it runs every host's kubelet, and a kubelet that saw its
  // etcd or API server killed started it again after the hosts were swept (an etcd outlived a bench).
  await stopSimServer(labDir);
  const gone = await killUntilGone(() => [...labProcesses(labDir, HOST_IDENTITY_FILE).values()].flat(), 15_000);
  if (!gone) throw new OperationError(`lab ${labDir}: some processes survived SIGKILL`, 'Run `kubeha lab status` to see them.');
}

async function clearOldLab(labDir: string): Promise<void> {
  if (!existsSync(labDir)) return;
  const entries = readdirSync(labDir);
  if (entries.length === 0) return;
  if (!entries.includes('lab.json') && !entries.includes('hosts')) {
    throw new UsageError(`${labDir} exists and is not a lab directory`, 'Choose an empty or new --dir.');
  }
  await stopLab(labDir);
  await Promise.all(LAB_ARTIFACTS.map((entry) => rm(path.join(labDir, entry), { recursive: true, force: true })));
}

function timeScaleFromEnv(): number {
  const text = process.env.KUBEHA_LAB_TIME_SCALE;
  if (text === undefined || text === '') return 1;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`KUBEHA_LAB_TIME_SCALE must be a positive number (got "${text}")`);
  return n;
}

/** Canonical spelling of a lab directory (what host identities record), also for a deleted one. */
export function canonicalLabDir(dir: string): string {
  const resolved = path.resolve(dir);
  try {
    return realpathSync(resolved);
  } catch {
    return resolved;
  }
}

async function assertAddressesFree(addresses: Array<{ address: string; port: number }>, concurrency: number): Promise<void> {
  const free = await mapBounded(addresses, concurrency, (a) => portIsFree(a.address, a.port));
  const busy = addresses.filter((_, i) => !free[i]);
  if (busy.length === 0) return;
  const owners = [...new Set(labHostsOnMachine(HOST_IDENTITY_FILE)
    .filter((h) => busy.some((b) => b.address === h.address))
    .map((h) => h.labDir))];
  const list = busy.slice(0, 5).map((a) => `${a.address}:${a.port}`).join(', ');
  throw new UsageError(
    `lab addresses already in use: ${list}${busy.length > 5 ? ` and ${busy.length - 5} more` : ''}`,
    owners.length > 0
      ? `They belong to the lab in ${owners.join(', ')}: stop it with \`kubeha lab down --dir ${owners[0]}\`, or choose another --address-prefix.`
      : 'Something else listens there: stop it, or choose another --address-prefix.',
  );
}

export async function startLab(options: StartLabOptions): Promise<LabHandle> {
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError('the lab must run as root', 'It creates mount namespaces and binds port 22; run it with sudo or in a root CI container.');
  }
  const loadBalancer = options.loadBalancer ?? 'kube-vip';
  const plan = planLabHosts({
    controlPlanes: options.controlPlanes ?? 3,
    workers: options.workers ?? 3,
    loadBalancer,
    addressPrefix: options.addressPrefix ?? '127.0.0',
    etcdMembers: options.externalEtcd ?? 0,
  });
  const concurrency = options.concurrency ?? 16;
  if (options.installPackages ?? true) await ensureLabPackages();
  await clearOldLab(canonicalLabDir(options.dir));
  await mkdir(options.dir, { recursive: true });
  const labDir = canonicalLabDir(options.dir);
  const wanted = plan.hosts.map((h) => ({ address: h.address, port: 22 }));
  if (loadBalancer === 'external') wanted.push({ address: plan.vip, port: 6443 });
  await assertAddressesFree(wanted, concurrency);
  const config: LabConfig = {
    dir: labDir,
    timeScale: options.timeScale ?? timeScaleFromEnv(),
    latencyScale: options.latencyScale ?? 1,
    loadBalancer,
    vip: plan.vip,
    apiServerPort: 6443,
    kubernetesVersion: options.kubernetesVersion ?? 'v1.30.2',
    hosts: plan.hosts,
    ...(options.loadBalancerHealthChecks === false ? { loadBalancerHealthChecks: false } : {}),
  };
  await writeFile(labPaths(labDir).config, `${JSON.stringify(config, null, 2)}\n`);
  await ensureMountPoints();
  await mapBounded(config.hosts, concurrency, (host) => createHostRoot(labDir, host));
  await createUserKey(labDir);
  await createHostKeys(labDir, config.hosts);
  await installSimBin(config);
  try {
    await mapBounded(config.hosts, concurrency, (host) => bootHost(labDir, host));
    if (loadBalancer === 'external') await startExternalLb(config);
    await startExternalEtcd(config);
  } catch (err) {
    await stopLab(labDir);
    throw err;
  }
  await writeClusterSpec({ config, name: options.name });
  return openLab(labDir);
}

/**
 * Kills every lab host on this machine whose address starts with `addressPrefix.` (any lab
 * directory): cleanup after a crashed test run that used that prefix.
 */
export async function stopLabHostsAt(addressPrefix: string): Promise<string[]> {
  const mine = () => labHostsOnMachine(HOST_IDENTITY_FILE).filter((h) => h.address.startsWith(`${addressPrefix}.`));
  const dirs = [...new Set(mine().map((h) => h.labDir))];
  for (const dir of dirs) await stopExternalLb(dir);
  for (const dir of dirs) await stopSimServer(dir);
  await killUntilGone(() => mine().flatMap((h) => h.pids), 15_000);
  return dirs;
}

/** Runs `command` on a lab host over real SSH (strict host-key checking, the lab key). */
export function runOnHost(lab: LabHandle, host: string, command: string, options?: RunOptions): Promise<RunResult> {
  return lab.host(host).run(command, options);
}

export { externalLbPid, simServerPid };
