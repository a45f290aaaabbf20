/**
 * The kubelet's static Pods: each manifest in /etc/kubernetes/manifests becomes a process
 * (etcd -> the REAL /usr/bin/etcd, kube-apiserver -> the simulated API server), restarted when
 * it dies or its manifest changes, stopped when its manifest goes away.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { hostPath } from '../context';
import { readPid, runningPid, RUN_DIR, simScript, startDaemon, stopDaemon } from '../daemons';
import { out } from '../output';
import { ParsedFiles } from '../parsed-files';

export const MANIFESTS = '/etc/kubernetes/manifests';

export interface StaticPod {
  name: string;
  image: string;
  command: string[];
  args: string[];
  /** Plain `value` env entries of the first container (valueFrom is not resolved). */
  env: Record<string, string>;
  hash: string;
}

function parseManifest(file: string): StaticPod | undefined {
  const text = readFileSync(file, 'utf8');
  try {
    type Container = { command?: string[]; args?: string[]; image?: string; env?: Array<{ name?: string; value?: string }> };
    const doc = parse(text) as { metadata?: { name?: string }; spec?: { containers?: Container[] } };
    const c = doc.spec?.containers?.[0];
    return {
      name: doc.metadata?.name ?? path.basename(file, '.yaml'),
      image: c?.image ?? '',
      command: c?.command ?? [],
      args: c?.args ?? [],
      env: Object.fromEntries((c?.env ?? []).filter((e) => e.name && typeof e.value === 'string').map((e) => [e.name ?? '', e.value ?? ''])),
      hash: createHash('sha256').update(text).digest('hex').slice(0, 16),
    };
  } catch (err) {
    out(`${new Date().toISOString()} failed to parse static pod manifest ${path.basename(file)}: ${(err as Error).message}\n`);
    return undefined;
  }
}

/** Every kubelet reads its manifests each sync. */
const manifests = new ParsedFiles(parseManifest);

export function readStaticPods(): StaticPod[] {
  const dir = hostPath(MANIFESTS);
  if (!existsSync(dir)) return [];
  const pods: StaticPod[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml') || x.endsWith('.yml')).sort()) {
    const pod = manifests.get(path.join(dir, f));
    if (pod) pods.push(pod);
  }
  return pods;
}

const daemonName = (pod: string) => `pod-${pod}`;

function launch(pod: StaticPod): void {
  const args = pod.command.slice(1);
  const version = /:(v[\d.]+)$/.exec(pod.image)?.[1] ?? '';
  const env = { ...process.env, KUBEHA_SIM_VERSION: version };
  if (pod.name === 'etcd') startDaemon(daemonName(pod.name), '/usr/bin/etcd', args, { tag: pod.hash, env });
  else if (pod.name === 'kube-apiserver') startDaemon(daemonName(pod.name), process.execPath, [simScript('apiserver'), ...args], { tag: pod.hash, env });
  else if (pod.name === 'kube-vip') startDaemon(daemonName(pod.name), process.execPath, [simScript('kube-vip'), ...pod.args], { tag: pod.hash, env: { ...env, ...pod.env } });
}

const RUNS_A_PROCESS = new Set(['etcd', 'kube-apiserver', 'kube-vip']);

/** One reconcile pass; returns what it did, for the kubelet's log, and how many manifests there are. */
export async function syncStaticPods(): Promise<{ did: string[]; manifests: number }> {
  const did: string[] = [];
  const manifests = readStaticPods();
  const pods = manifests.filter((p) => RUNS_A_PROCESS.has(p.name));
  for (const pod of pods) {
    const rec = readPid(daemonName(pod.name));
    const alive = runningPid(daemonName(pod.name)) !== undefined;
    if (alive && rec?.tag === pod.hash) continue;
    if (alive) {
      await stopDaemon(daemonName(pod.name));
      did.push(`manifest of ${pod.name} changed: restarted`);
    } else {
      did.push(`started ${pod.name}`);
    }
    launch(pod);
  }
  const runDir = hostPath(RUN_DIR);
  const wanted = new Set(pods.map((p) => daemonName(p.name)));
  for (const f of existsSync(runDir) ? readdirSync(runDir) : []) {
    const name = f.replace(/\.pid$/, '');
    if (!f.startsWith('pod-') || wanted.has(name)) continue;
    await stopDaemon(name);
    did.push(`manifest removed: stopped ${name.slice(4)}`);
  }
  return { did, manifests: manifests.length };
}

export async function stopAllStaticPods(): Promise<void> {
  const runDir = hostPath(RUN_DIR);
  for (const f of existsSync(runDir) ? readdirSync(runDir) : []) {
    if (f.startsWith('pod-')) await stopDaemon(f.replace(/\.pid$/, ''));
  }
}
