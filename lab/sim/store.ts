/**
 * The simulated cluster API: one JSON file per lab (`labPaths(dir).store`) that every host
 * reads and writes under proper-lockfile, so all hosts see the same nodes, tokens and Secrets.
 */
import { AsyncResource } from 'node:async_hooks';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as lockfile from 'proper-lockfile';
import { labPaths } from '../layout';

export interface StoreNode {
  name: string;
  address: string;
  /** The control-plane label and taint (mark-control-plane), not merely running a control plane. */
  controlPlane: boolean;
  kubeletVersion: string;
  /** Epoch ms (real). */
  createdAt: number;
  heartbeatAt?: number;
  unschedulable?: boolean;
}

export interface BootstrapToken {
  token: string;
  /** Epoch ms (real), already scaled. */
  expiresAt: number;
  /** The TTL was given explicitly (taken as real time): shown unscaled. */
  realTime?: boolean;
  createdAt: number;
  description: string;
  usages: string[];
  groups: string[];
}

/**
 * The "kubeadm-certs" Secret: the shared CA material, AES-256-GCM with the certificate key. It is
 * owned by a short-lived bootstrap token (`ownerToken`), so it goes when that token expires or is
 * deleted, as the garbage collector deletes it in a real cluster.
 */
export interface CertsSecret {
  uploadedAt: number;
  /** base64(iv ‖ tag ‖ ciphertext) of a JSON map relative-path -> PEM. */
  data: string;
  expiresAt: number;
  ownerToken?: string;
  /** How many entries it holds (kubectl's DATA column): 8 with a local etcd, 9 with an external one. */
  entries?: number;
}

/** ClusterConfiguration etcd.external: the API servers' etcd, run by someone else. */
export interface ExternalEtcd {
  endpoints: string[];
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** The kubeadm-config ConfigMap (upload-config), which joins and upgrades read. */
export interface ClusterConfig {
  clusterName: string;
  controlPlaneEndpoint: string;
  kubernetesVersion: string;
  podSubnet?: string;
  serviceSubnet: string;
  /** apiServer.certSANs, added to every control plane's apiserver certificate. */
  certSans?: string[];
  /** etcd.external; absent: stacked etcd (etcd.local). */
  externalEtcd?: ExternalEtcd;
  initializedAt: number;
  initHost: string;
}

/** The cluster-info ConfigMap in kube-public and the bootstrap RBAC rules (bootstrap-token phase). */
export interface ClusterInfoMap {
  /** https://<controlPlaneEndpoint> */
  server: string;
  /** The CA (PEM) discovery pins and joining kubelets trust. */
  caCert: string;
}

export interface StorePod {
  namespace: string;
  name: string;
  node?: string;
  createdAt: number;
  /** Static pods follow their node's kubelet; others are Running once a node is Ready. */
  static?: boolean;
}

export interface LabStore {
  /** kubeadm-config. */
  cluster?: ClusterConfig;
  /** The kubelet-config ConfigMap (upload-config). */
  kubeletConfig?: { uploadedAt: number };
  clusterInfo?: ClusterInfoMap;
  /** The CA the controller-manager signs kubelet client certificates with, once a control plane runs. */
  csrSigner?: { caCert: string; caKey: string };
  /** Applied essential addons ("CoreDNS", "kube-proxy"). */
  addons?: string[];
  nodes: Record<string, StoreNode>;
  tokens: BootstrapToken[];
  certs?: CertsSecret;
  cni?: { name: string; appliedAt: number };
  pods: StorePod[];
  lease?: { holder: string; renewedAt: number };
}

const empty = (): LabStore => ({ nodes: {}, tokens: [], pods: [] });

/**
 * What readers get: the store as last read or written, shared by every reader until the file
 * changes, so read-only by type (freezing it on every write cost more than it saved).
 */
export type StoreView = DeepReadonly<LabStore>;
export type NodeView = StoreView['nodes'][string];
export type PodView = StoreView['pods'][number];
export type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

interface Snapshot {
  version: string;
  store: StoreView;
}

/**
 * The store as this process last read or wrote it, per file, with the version of the file it
 * came from. In the simulator server hundreds of hosts' commands and kubelets read it between
 * writes: each read parsed the whole file (0.7 ms at 5+500). Writes replace the file (rename),
 * so a version names a new inode; size and times cover a file written in place.
 */
const snapshots = new Map<string, Snapshot>();

function versionOf(file: string): string | undefined {
  const st = statSync(file, { bigint: true, throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : undefined;
}

function remember(file: string, version: string | undefined, store: StoreView): StoreView {
  if (version !== undefined) snapshots.set(file, { version, store });
  return store;
}

/** The store for reading: shared, and parsed again only when the file has changed. */
export function readStore(labDir: string): StoreView {
  const file = labPaths(labDir).store;
  const version = versionOf(file);
  const known = snapshots.get(file);
  if (version !== undefined && known?.version === version) return known.store;
  return remember(file, version, readStoreFile(file));
}

function readStoreFile(file: string): LabStore {
  if (!existsSync(file)) return empty();
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return empty();
  return { ...empty(), ...(JSON.parse(text) as Partial<LabStore>) };
}

interface PendingChange {
  change: (store: LabStore) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Changes waiting for the store's lock, per store file: one process applies them in one write. */
const pending = new Map<string, PendingChange[]>();

/**
 * Read-modify-write under the store's lock; `change` may return a value. In the simulator server
 * hundreds of kubelets heartbeat into one file: the changes queued while a write is under way are
 * applied together, in order, by the next read and write (a change that throws is left out of
 * that write, as it would have written nothing on its own).
 */
export function updateStore<T>(labDir: string, change: (store: LabStore) => T): Promise<T> {
  const file = labPaths(labDir).store;
  return new Promise<T>((resolve, reject) => {
    // Each change runs in its caller's async context: it may map its own host's paths (invocation.ts).
    const entry = { change: AsyncResource.bind(change), resolve: resolve as (v: unknown) => void, reject };
    const queue = pending.get(file);
    if (queue) {
      queue.push(entry);
      return;
    }
    pending.set(file, [entry]);
    void drain(file);
  });
}

async function drain(file: string): Promise<void> {
  for (;;) {
    const batch = pending.get(file) ?? [];
    if (batch.length === 0) {
      pending.delete(file);
      return;
    }
    pending.set(file, []);
    try {
      const outcomes = await writeBatch(file, batch.map((b) => b.change));
      batch.forEach((b, i) => {
        const outcome = outcomes[i] as Outcome;
        if ('error' in outcome) b.reject(outcome.error);
        else b.resolve(outcome.value);
      });
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}

type Outcome = { value: unknown } | { error: unknown };

function applyAll(store: LabStore, changes: Array<(store: LabStore) => unknown>, errors: Map<number, unknown>): Outcome[] {
  return changes.map((change, i) => {
    if (errors.has(i)) return { error: errors.get(i) };
    try {
      return { value: change(store) };
    } catch (error) {
      return { error };
    }
  });
}

/** How long a lock whose holder stopped refreshing it (killed) keeps the store; proper-lockfile allows 2 s at least. */
const STORE_LOCK_STALE_MS = 3_000;

/**
 * The store's lock: taken at once when free (synchronous mkdir: no trip through libuv's thread
 * pool, several per write, which the simulator server paid thousands of times a bring-up), else
 * waited for with retries.
 */
async function lockStore(file: string): Promise<() => Promise<void>> {
  try {
    const release = lockfile.lockSync(file, { stale: STORE_LOCK_STALE_MS });
    return () => Promise.resolve(release());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
  }
  return lockfile.lock(file, { retries: { retries: 200, minTimeout: 5, maxTimeout: 50 }, stale: STORE_LOCK_STALE_MS });
}

/**
 * The store to change, under the lock: the shared copy itself while the file is the one it came
 * from (parsing the whole store for every write was most of a write's cost), else a fresh read.
 * Readers see a change only once it is written: changes run and the file is written in one
 * synchronous stretch, and a change that throws or a write that fails drops the shared copy.
 */
function storeToChange(file: string): LabStore {
  const known = snapshots.get(file);
  if (known && known.version === versionOf(file)) return known.store as LabStore;
  snapshots.delete(file);
  return readStoreFile(file);
}

async function writeBatch(file: string, changes: Array<(store: LabStore) => unknown>): Promise<Outcome[]> {
  if (!existsSync(file)) {
    try {
      writeFileSync(file, `${JSON.stringify(empty())}\n`, { flag: 'wx' });
    } catch {
      /* another process made it first */
    }
  }
  // A holder refreshes its lock every stale/2; one that was killed mid-write (a stopped host's
  // kube-vip, say) frees the store after `stale`. proper-lockfile's default, 10 s, held every
  // other host's API calls that long: a real cluster's state does not wait on a dead client.
  const release = await lockStore(file);
  try {
    // A change that threw may have changed the store half-way: the others are applied again to a fresh read.
    const errors = new Map<number, unknown>();
    for (;;) {
      const store = storeToChange(file);
      const outcomes = applyAll(store, changes, errors);
      const newlyFailed = outcomes.flatMap((o, i) => ('error' in o && !errors.has(i) ? [i] : []));
      for (const i of newlyFailed) errors.set(i, (outcomes[i] as { error: unknown }).error);
      if (newlyFailed.length > 0) {
        snapshots.delete(file);
        continue;
      }
      if (errors.size < changes.length) {
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, `${JSON.stringify(store)}\n`);
        renameSync(tmp, file);
        // Still under the lock: no other writer can have replaced it since. No change kept a
        // reference into `store` (each returns a value of its own).
        remember(file, versionOf(file), store);
      }
      return outcomes;
    }
  } catch (err) {
    snapshots.delete(file);
    throw err;
  } finally {
    await release();
  }
}
