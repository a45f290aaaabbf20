/** The simulated `kubectl`: nodes, pods and Secrets from the lab store, CNI apply, wait, cordon/drain. */
import { existsSync, readFileSync } from 'node:fs';
import type { SimContext } from './context';
import { hostPath } from './context';
import { SimExit } from './errors';
import { parseArgs } from './flags';
import type { ParsedArgs } from './flags';
import { assertServerReachable } from './kubectl/kubeconfig';
import { recordDrainEvent } from './kubectl/drain-record';
import { deleteSecrets, getSecrets } from './kubectl/secrets';
import { age, nodeObject, nodeReady, nodeStatusText, podNode, podObject, podRunning } from './kubectl/objects';
import { runMain } from './main';
import { packageGitVersion, readNodeState } from './node-state';
import { readStore, updateStore } from './store';
import { LATENCY, latencyMs, sleep } from './time';
import { parseDuration } from './kubeadm/duration';
import { httpsGet } from './kubeadm/api';
import { out, errOut } from './output';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('')).join('\n')}\n`;
}

function list(items: unknown[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
}

function getNodes(p: ParsedArgs, ctx: SimContext): void {
  const store = readStore(ctx.identity.labDir);
  const name = p.positional[2];
  let nodes = Object.values(store.nodes).sort((a, b) => a.name.localeCompare(b.name));
  if (name) {
    nodes = nodes.filter((n) => n.name === name);
    if (nodes.length === 0) throw new SimExit(`Error from server (NotFound): nodes "${name}" not found`, 1);
  }
  const o = p.flags.get('output');
  if (o === 'json') {
    out(name ? `${JSON.stringify(nodeObject(ctx.config, store, nodes[0]!), null, 4)}\n` : list(nodes.map((n) => nodeObject(ctx.config, store, n))));
    return;
  }
  if (o === 'name') {
    out(nodes.map((n) => `node/${n.name}\n`).join(''));
    return;
  }
  if (nodes.length === 0) {
    errOut('No resources found\n');
    return;
  }
  const wide = o === 'wide';
  const rows = [['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', ...(wide ? ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'] : [])]];
  for (const n of nodes) {
    rows.push([
      n.name, nodeStatusText(ctx.config, store, n), n.controlPlane ? 'control-plane' : '<none>', age(ctx.config, n.createdAt), n.kubeletVersion,
      ...(wide ? [n.address, '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-kubeha-lab', 'containerd://1.6.20'] : []),
    ]);
  }
  out(table(rows));
}

function getPods(p: ParsedArgs, ctx: SimContext): void {
  const store = readStore(ctx.identity.labDir);
  const all = p.flags.get('all-namespaces') === 'true';
  const ns = p.flags.get('namespace') ?? 'default';
  const pods = store.pods.filter((pod) => all || pod.namespace === ns).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const o = p.flags.get('output');
  if (o === 'json') {
    out(list(pods.map((pod) => podObject(ctx.config, store, pod))));
    return;
  }
  if (pods.length === 0) {
    errOut(all ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`);
    return;
  }
  const wide = o === 'wide';
  const rows = [[...(all ? ['NAMESPACE'] : []), 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(wide ? ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'] : [])]];
  for (const pod of pods) {
    const obj = podObject(ctx.config, store, pod);
    const running = podRunning(ctx.config, store, { ...pod, node: podNode(ctx.config, store, pod) });
    rows.push([
      ...(all ? [pod.namespace] : []), pod.name, running ? '1/1' : '0/1', running ? 'Running' : 'Pending', '0', age(ctx.config, pod.createdAt),
      ...(wide ? [obj.status.podIP ?? '<none>', obj.spec.nodeName ?? '<none>', '<none>', '<none>'] : []),
    ]);
  }
  out(table(rows));
}

const CNIS: Array<{ re: RegExp; name: string; pods: (nodes: string[]) => Array<{ namespace: string; name: string; node?: string }> }> = [
  { re: /calico|tigera/i, name: 'calico', pods: (nodes) => [{ namespace: 'kube-system', name: 'calico-kube-controllers-564985c589-x7p2n' }, ...nodes.map((n, i) => ({ namespace: 'kube-system', name: `calico-node-${(i + 10).toString(36)}x${n.length}q`, node: n }))] },
  { re: /flannel/i, name: 'flannel', pods: (nodes) => nodes.map((n, i) => ({ namespace: 'kube-flannel', name: `kube-flannel-ds-${(i + 10).toString(36)}z${n.length}k`, node: n })) },
  { re: /cilium/i, name: 'cilium', pods: (nodes) => nodes.map((n, i) => ({ namespace: 'kube-system', name: `cilium-${(i + 10).toString(36)}c${n.length}m`, node: n })) },
];

/** A manifest that is not recognisably Calico, Flannel or Cilium but is named like (or ships the DaemonSet of) a CNI. */
const GENERIC_CNI: (typeof CNIS)[number] = {
  re: /cni/i,
  name: 'cni',
  pods: (nodes) => nodes.map((n, i) => ({ namespace: 'kube-system', name: `cni-node-${(i + 10).toString(36)}n${n.length}d`, node: n })),
};

async function apply(p: ParsedArgs, ctx: SimContext): Promise<void> {
  const file = p.flags.get('filename');
  if (!file) throw new SimExit('error: must specify one of -f and -k', 1);
  if (!/^https?:\/\//.test(file) && !existsSync(hostPath(file))) {
    throw new SimExit(`error: the path "${file}" does not exist`, 1);
  }
  const content = /^https?:\/\//.test(file) ? '' : readFileSync(hostPath(file), 'utf8');
  const cni = CNIS.find((c) => c.re.test(file)) ?? CNIS.find((c) => c.re.test(content)) ?? (/cni/i.test(file) || /kind:\s*DaemonSet/.test(content) ? GENERIC_CNI : undefined);
  if (!cni) {
    out(`configmap/${file.replace(/.*\//, '').replace(/\.ya?ml$/, '')} created\n`);
    return;
  }
  await sleep(latencyMs(ctx.config, LATENCY.cni));
  await updateStore(ctx.identity.labDir, (s) => {
    s.cni = { name: cni.name, appliedAt: Date.now() };
    s.pods = s.pods.filter((pod) => !cni.pods([]).some((x) => pod.name.startsWith(x.name.split('-').slice(0, 2).join('-'))) && !pod.name.startsWith(`${cni.name}-`) && !pod.name.startsWith('calico-') && !pod.name.startsWith('kube-flannel-'));
    for (const pod of cni.pods(Object.keys(s.nodes))) s.pods.push({ ...pod, createdAt: Date.now() });
  });
  if (cni.name === 'calico') out('serviceaccount/calico-kube-controllers created\nserviceaccount/calico-node created\nconfigmap/calico-config created\ndaemonset.apps/calico-node created\ndeployment.apps/calico-kube-controllers created\n');
  else if (cni.name === 'flannel') out('namespace/kube-flannel created\nserviceaccount/flannel created\nconfigmap/kube-flannel-cfg created\ndaemonset.apps/kube-flannel-ds created\n');
  else out(`daemonset.apps/${cni.name === 'cni' ? 'cni-node' : cni.name} created\n`);
}

async function waitFor(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const cond = p.flags.get('for') ?? '';
  if (cond.toLowerCase() !== 'condition=ready') throw new SimExit(`error: unrecognized condition: "${cond}"`, 1);
  const timeoutModel = parseDuration(p.flags.get('timeout') ?? '30s') ?? 30_000;
  const deadline = Date.now() + timeoutModel;
  const targets = p.positional.slice(1).flatMap((t) => (t.includes('/') ? [t] : []));
  const allNodes = p.flags.get('all') === 'true' && p.positional[1] === 'nodes';
  for (;;) {
    const store = readStore(ctx.identity.labDir);
    const names = allNodes ? Object.keys(store.nodes) : targets.map((t) => t.replace(/^nodes?\//, ''));
    for (const n of names) if (!store.nodes[n]) throw new SimExit(`Error from server (NotFound): nodes "${n}" not found`, 1);
    const pending = names.filter((n) => !nodeReady(ctx.config, store, store.nodes[n]!));
    if (pending.length === 0) {
      out(names.map((n) => `node/${n} condition met\n`).join(''));
      return 0;
    }
    if (Date.now() > deadline) throw new SimExit(`error: timed out waiting for the condition on nodes/${pending[0]}`, 1);
    await sleep(200);
  }
}

/** DaemonSet-managed pods (the CNI's and kube-proxy's): drain skips them only with --ignore-daemonsets. */
const DAEMONSET_POD = /^(kube-proxy|calico-node|kube-flannel-ds|cilium|cni-node)-/;

async function setUnschedulable(p: ParsedArgs, ctx: SimContext, value: boolean, verb: 'cordon' | 'uncordon'): Promise<void> {
  const name = p.positional[1];
  if (!name) throw new SimExit(`error: resource(s) were provided, but no name was specified`, 1);
  const changed = await updateStore(ctx.identity.labDir, (s) => {
    const n = s.nodes[name];
    if (!n) return undefined;
    const was = n.unschedulable === true;
    n.unschedulable = value;
    return { changed: was !== value, controlPlane: n.controlPlane };
  });
  if (changed === undefined) throw new SimExit(`Error from server (NotFound): nodes "${name}" not found`, 1);
  if (verb === 'uncordon') recordDrainEvent(ctx.identity.labDir, { node: name, controlPlane: changed.controlPlane, event: 'uncordon', at: Date.now() });
  out(`node/${name} ${changed.changed ? '' : 'already '}${verb}ed\n`);
}

/**
 * `kubectl drain NODE --ignore-daemonsets [--delete-emptydir-data]`: cordon, then evict every pod
 * but mirror pods and (with the flag) DaemonSet pods; evicted pods of the cluster's Deployments
 * come back on another schedulable node, as their ReplicaSet would place them.
 */
async function drain(p: ParsedArgs, ctx: SimContext): Promise<void> {
  const name = p.positional[1];
  if (!name) throw new SimExit(`error: resource(s) were provided, but no name was specified`, 1);
  const ignoreDaemonSets = p.flags.get('ignore-daemonsets') === 'true';
  const store = readStore(ctx.identity.labDir);
  const node = store.nodes[name];
  if (!node) throw new SimExit(`Error from server (NotFound): nodes "${name}" not found`, 1);
  const onNode = store.pods.filter((pod) => podNode(ctx.config, store, pod) === name && !pod.static);
  const daemonPods = onNode.filter((pod) => DAEMONSET_POD.test(pod.name)).map((pod) => `${pod.namespace}/${pod.name}`);
  const wasCordoned = node.unschedulable === true;
  await updateStore(ctx.identity.labDir, (s) => {
    const n = s.nodes[name];
    if (n) n.unschedulable = true;
  });
  recordDrainEvent(ctx.identity.labDir, { node: name, controlPlane: node.controlPlane, event: 'drain', at: Date.now() });
  out(`node/${name} ${wasCordoned ? 'already cordoned' : 'cordoned'}\n`);
  if (daemonPods.length && !ignoreDaemonSets) {
    throw new SimExit(
      `error: unable to drain node "${name}" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemonPods.join(', ')}, continuing command...\nThere are pending nodes to be drained:\n ${name}\ncannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemonPods.join(', ')}`,
      1,
    );
  }
  if (daemonPods.length) errOut(`Warning: ignoring DaemonSet-managed Pods: ${daemonPods.join(', ')}\n`);
  const evicted = onNode.filter((pod) => !DAEMONSET_POD.test(pod.name));
  for (const pod of evicted) out(`evicting pod ${pod.namespace}/${pod.name}\n`);
  await sleep(latencyMs(ctx.config, 2_000 * evicted.length));
  await updateStore(ctx.identity.labDir, (s) => {
    const elsewhere = Object.values(s.nodes).filter((n) => n.name !== name && !n.unschedulable).map((n) => n.name);
    for (const pod of s.pods) {
      if (!evicted.some((e) => e.namespace === pod.namespace && e.name === pod.name)) continue;
      pod.node = elsewhere[0];
      pod.createdAt = Date.now();
    }
  });
  for (const pod of evicted) out(`pod/${pod.name} evicted\n`);
  out(`node/${name} drained\n`);
}

async function deleteNode(p: ParsedArgs, ctx: SimContext): Promise<void> {
  const names = p.positional.slice(2);
  // Like kubectl: a Node already gone is no error, and nothing is printed for it.
  const ignoreNotFound = p.flags.get('ignore-not-found') === 'true';
  for (const name of names) {
    const found = await updateStore(ctx.identity.labDir, (s) => {
      if (!s.nodes[name]) return false;
      delete s.nodes[name];
      s.pods = s.pods.filter((pod) => pod.node !== name);
      return true;
    });
    if (!found && ignoreNotFound) continue;
    if (!found) throw new SimExit(`Error from server (NotFound): nodes "${name}" not found`, 1);
    out(`node "${name}" deleted\n`);
  }
}

function version(p: ParsedArgs, ctx: SimContext): void {
  const client = packageGitVersion(readNodeState(), 'kubectl');
  const server = readStore(ctx.identity.labDir).cluster?.kubernetesVersion;
  if (p.flags.get('output') === 'json') {
    out(`${JSON.stringify({ clientVersion: { gitVersion: client, major: '1', minor: client.split('.')[1] }, kustomizeVersion: 'v5.0.4-0.20230601165947-6ce0bf390ce3', ...(server ? { serverVersion: { gitVersion: server, major: '1', minor: server.split('.')[1] } } : {}) }, null, 2)}\n`);
    return;
  }
  out(`Client Version: ${client}\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\n${server ? `Server Version: ${server}\n` : ''}`);
}

const BOOLEANS = new Set(['all-namespaces', 'ignore-daemonsets', 'delete-emptydir-data', 'force', 'all', 'client', 'ignore-not-found', 'disable-eviction']);

runMain('kubectl', async (args, ctx) => {
  const p = parseArgs(args, BOOLEANS, { o: 'output', n: 'namespace', A: 'all-namespaces', f: 'filename' });
  const [verb, kind] = p.positional;
  if (verb === 'version' && p.flags.get('client') === 'true') {
    version(p, ctx);
    return 0;
  }
  const api = await assertServerReachable(p.flags.get('kubeconfig'), p.flags.get('server'));
  const raw = p.flags.get('raw');
  if (verb === 'get' && raw !== undefined) {
    const r = await httpsGet(api.host, api.port, raw, api.ca, 10_000).catch((err: Error) => {
      throw new SimExit(`Unable to connect to the server: ${err.message}`, 1);
    });
    if (r.status !== 200) throw new SimExit(`Error from server (InternalError): an error on the server ("${r.body.trim()}") has prevented the request from succeeding`, 1);
    out(r.body);
    return 0;
  }
  switch (verb) {
    case 'get':
      if (kind === 'nodes' || kind === 'node' || kind === 'no') getNodes(p, ctx);
      else if (kind === 'pods' || kind === 'pod' || kind === 'po') getPods(p, ctx);
      else if (kind === 'secrets' || kind === 'secret') getSecrets(p, ctx);
      else throw new SimExit(`error: the server doesn't have a resource type "${kind ?? ''}"`, 1);
      return 0;
    case 'apply':
      await apply(p, ctx);
      return 0;
    case 'wait':
      return waitFor(p, ctx);
    case 'cordon':
      await setUnschedulable(p, ctx, true, 'cordon');
      return 0;
    case 'uncordon':
      await setUnschedulable(p, ctx, false, 'uncordon');
      return 0;
    case 'drain':
      await drain(p, ctx);
      return 0;
    case 'delete':
      if (kind === 'secret' || kind === 'secrets') await deleteSecrets(p, ctx);
      else if (kind === 'node' || kind === 'nodes') await deleteNode(p, ctx);
      else throw new SimExit(`error: the server doesn't have a resource type "${kind ?? ''}"`, 1);
      return 0;
    case 'version':
      version(p, ctx);
      return 0;
    default:
      throw new SimExit(`error: unknown command "${verb ?? ''}" for "kubectl"`, 1);
  }
});
