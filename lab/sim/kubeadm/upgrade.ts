/**
 * `kubeadm upgrade plan [version] | apply VERSION --yes | node`, as kubeadm v1.30/v1.31 print them.
 * Versions follow the installed kubeadm package; apply enforces kubeadm's version policy (kubeadm
 * first, one minor at a time), moves this control plane's static Pods (etcd to the release
 * table's etcd) and waits until its API server answers with the new version, then stores the
 * cluster version (kubeadm-config) last, as kubeadm's upload-config does (each store recorded in
 * `<lab>/upgrades.jsonl`). Its parts take their modelled time times the host's slow fault, so a
 * test can hold apply open long enough to kill a worker during it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { SimContext } from '../context';
import { hostPath } from '../context';
import { SimExit } from '../errors';
import { slowFactor } from '../faults-file';
import type { ParsedArgs } from '../flags';
import { flagBool } from '../flags';
import { packageGitVersion, readNodeState } from '../node-state';
import { readStore, updateStore } from '../store';
import { latencyMs, sleep } from '../time';
import { out } from '../output';
import { httpsGet } from './api';
import { etcdImageFor, upgradeEtcdManifest } from './etcd-version';
import { MANIFESTS_DIR } from './files';
import { recordClusterVersionStored } from './upgrade-record';

const UPGRADED = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** Model durations of the upgrade's parts (real kubeadm: image pulls, then each static Pod's restart). */
const MODEL = { prepull: 20_000, component: 30_000, addons: 10_000 } as const;

const CONFIG_HINT = "[upgrade/config] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n";

function parse(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function manifest(component: string): string | undefined {
  const file = hostPath(`${MANIFESTS_DIR}/${component}.yaml`);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function imageTag(component: string): string | undefined {
  return new RegExp(`image: \\S+/${component}:(\\S+)`).exec(manifest(component) ?? '')?.[1];
}

/** Points one static Pod at `version`; true when the manifest changed (the kubelet then restarts it). */
function upgradeStaticPod(component: string, version: string): boolean {
  const text = manifest(component);
  if (text === undefined) return false;
  const next = text.replace(new RegExp(`(image: \\S+/${component}:)v[\\d.]+`), `$1${version}`);
  if (next === text) return false;
  writeFileSync(hostPath(`${MANIFESTS_DIR}/${component}.yaml`), next);
  return true;
}

/** kubeadm waits for the new static Pod: here, until this host's API server answers /version with `version`. */
async function waitForApiServer(version: string, timeoutMs: number): Promise<void> {
  const text = manifest('kube-apiserver') ?? '';
  const address = /--advertise-address=(\S+)/.exec(text)?.[1];
  const port = Number(/--secure-port=(\d+)/.exec(text)?.[1] ?? 6443);
  const ca = readFileSync(hostPath('/etc/kubernetes/pki/ca.crt'), 'utf8');
  const deadline = Date.now() + timeoutMs;
  while (address) {
    const answer = await httpsGet(address, port, '/version', ca, 1_000).catch(() => undefined);
    if (answer?.status === 200 && (JSON.parse(answer.body) as { gitVersion?: string }).gitVersion === version) return;
    if (Date.now() > deadline) {
      throw new SimExit(`[upgrade/apply] FATAL: couldn't upgrade control plane. kubeadm has tried to recover everything into the earlier state. Errors faced: timed out waiting for the condition\nTo see the stack trace of this error execute with --v=5 or higher`, 1);
    }
    await sleep(200);
  }
}

/** kubeadm's EnforceVersionPolicies: fatal errors, then the ones `--force` bypasses. */
function versionPolicy(target: string, cluster: string, kubeadm: string, force: boolean): void {
  const [t, c, k] = [parse(target), parse(cluster), parse(kubeadm)];
  if (!t) throw new SimExit(`[upgrade/version] FATAL: unable to parse normalized version "${target}" as a semantic version\nTo see the stack trace of this error execute with --v=5 or higher`, 1);
  const fatal: string[] = [];
  const skippable: string[] = [];
  if (c && k) {
    if (t[1] > k[1]) fatal.push(`Specified version to upgrade to "${target}" is at least one minor release higher than the kubeadm minor release (${k[0]}.${k[1]}). Such an upgrade is not supported`);
    else if (t[1] === k[1] && t[2] > k[2]) skippable.push(`Specified version to upgrade to "${target}" is higher than the kubeadm version "${kubeadm}". Upgrade kubeadm first using the tool you used to install kubeadm`);
    if (t[1] > c[1] + 1) fatal.push(`Specified version to upgrade to "${target}" is too high; kubeadm can upgrade only 1 minor version at a time`);
    if (t[1] < c[1]) fatal.push(`Specified version to downgrade to "${target}" is at least one minor release lower than the kubeadm minor release (${k[0]}.${k[1]}). Such an upgrade is not supported`);
  }
  if (fatal.length) {
    throw new SimExit(`[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n${fatal.map((e) => `\t- ${e}\n`).join('')}\nPlease fix the misalignments highlighted above and try upgrading again\nTo see the stack trace of this error execute with --v=5 or higher`, 1);
  }
  if (skippable.length && !force) {
    throw new SimExit(`[upgrade/version] FATAL: the --version argument is invalid due to these errors:\n\n${skippable.map((e) => `\t- ${e}\n`).join('')}\nCan be bypassed if you pass the --force flag\nTo see the stack trace of this error execute with --v=5 or higher`, 1);
  }
}

/** Real milliseconds a part of the upgrade takes on this host (the lab's scales and the host's slow fault). */
function partMs(ctx: SimContext, modelMs: number): number {
  return latencyMs(ctx.config, modelMs, slowFactor(ctx.identity.labDir, ctx.identity.name));
}

/** The static Pods of this control plane moved to `version`, in kubeadm's order (etcd first). */
async function upgradeControlPlane(ctx: SimContext, version: string): Promise<void> {
  const etcd = upgradeEtcdManifest(version);
  if (manifest('etcd') !== undefined) {
    out('[upgrade/etcd] Upgrading to TLS for etcd\n[upgrade/staticpods] Preparing for "etcd" upgrade\n');
    out(etcd ? `[upgrade/staticpods] Moved new manifest to "/etc/kubernetes/manifests/etcd.yaml" and backed up old manifest\n[upgrade/staticpods] Component "etcd" upgraded successfully!\n` : '[upgrade/staticpods] Current and new manifests of etcd are equal, skipping upgrade\n');
  }
  for (const c of UPGRADED) {
    out(`[upgrade/staticpods] Preparing for "${c}" upgrade\n`);
    if (upgradeStaticPod(c, version)) {
      out(`[upgrade/staticpods] Moved new manifest to "/etc/kubernetes/manifests/${c}.yaml" and backed up old manifest to "/etc/kubernetes/tmp/kubeadm-backup-manifests/${c}.yaml"\n[upgrade/staticpods] Waiting for the kubelet to restart the component\n`);
      await sleep(partMs(ctx, MODEL.component));
      if (c === 'kube-apiserver') await waitForApiServer(version, 60_000);
      out(`[upgrade/staticpods] Component "${c}" upgraded successfully!\n`);
    } else {
      out(`[upgrade/staticpods] Current and new manifests of ${c} are equal, skipping upgrade\n`);
    }
  }
}

export async function upgrade(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const sub = p.positional[1];
  const cluster = readStore(ctx.identity.labDir).cluster;
  if (!cluster) throw new SimExit('[upgrade/config] FATAL: failed to get config map: configmaps "kubeadm-config" not found\nTo see the stack trace of this error execute with --v=5 or higher', 1);
  const kubeadmVersion = packageGitVersion(readNodeState(), 'kubeadm');
  const clusterVersion = cluster.kubernetesVersion;
  if (sub === 'plan') {
    const target = p.positional[2] ?? kubeadmVersion;
    out(`[preflight] Running pre-flight checks.\n[upgrade/config] Reading configuration from the cluster...\n${CONFIG_HINT}[upgrade] Running cluster health checks\n[upgrade] Fetching available versions to upgrade to\n`);
    out(`[upgrade/versions] Cluster version: ${clusterVersion}\n[upgrade/versions] kubeadm version: ${kubeadmVersion}\n[upgrade/versions] Target version: ${target}\n\n`);
    const store = readStore(ctx.identity.labDir);
    const nodes = Object.values(store.nodes).sort((a, b) => a.name.localeCompare(b.name));
    const cps = nodes.filter((n) => n.controlPlane);
    const row = (cells: string[]) => `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd([26, 14, 12][i] ?? 12))).join('')}\n`;
    out("Components that must be upgraded manually after you have upgraded the control plane with 'kubeadm upgrade apply':\n");
    out(row(['COMPONENT', 'NODE', 'CURRENT', 'TARGET']));
    for (const n of nodes) out(row(['kubelet', n.name, n.kubeletVersion, target]));
    out('\nUpgrade to the latest stable version:\n\n');
    out(row(['COMPONENT', 'NODE', 'CURRENT', 'TARGET']));
    for (const c of UPGRADED) for (const n of cps) out(row([c, n.name, n.name === ctx.identity.name ? (imageTag(c) ?? clusterVersion) : clusterVersion, target]));
    out(row(['kube-proxy', '', clusterVersion.replace(/^v/, ''), target]));
    if (manifest('etcd') !== undefined) out(row(['etcd', ctx.identity.name, etcdImageFor(clusterVersion).replace(/.*:/, ''), etcdImageFor(target).replace(/.*:/, '')]));
    out(`\nYou can now apply the upgrade by executing the following command:\n\n\tkubeadm upgrade apply ${target}\n\n_____________________________________________________________________\n\n`);
    return 0;
  }
  if (sub === 'apply') {
    const target = p.positional[2];
    if (!target) throw new SimExit('[upgrade/version] FATAL: missing one or more required arguments. Required arguments: [version]\nTo see the stack trace of this error execute with --v=5 or higher', 1);
    out(`[preflight] Running pre-flight checks.\n[upgrade/config] Reading configuration from the cluster...\n${CONFIG_HINT}[upgrade] Running cluster health checks\n`);
    out(`[upgrade/version] You have chosen to change the cluster version to "${target}"\n[upgrade/versions] Cluster version: ${clusterVersion}\n[upgrade/versions] kubeadm version: ${kubeadmVersion}\n`);
    versionPolicy(target, clusterVersion, kubeadmVersion, flagBool(p, 'force'));
    if (!flagBool(p, 'yes')) throw new SimExit("[upgrade/confirm] Are you sure you want to proceed? [y/N]: won't proceed; the user didn't answer (Y|y) in order to continue", 1);
    out('[upgrade/prepull] Pulling images required for setting up a Kubernetes cluster\n[upgrade/prepull] This might take a minute or two, depending on the speed of your internet connection\n');
    await sleep(partMs(ctx, MODEL.prepull));
    out(`[upgrade/apply] Upgrading your Static Pod-hosted control plane to version "${target}" (timeout: 5m0s)...\n`);
    await upgradeControlPlane(ctx, target);
    out('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace\n');
    await updateStore(ctx.identity.labDir, (s) => {
      if (s.cluster) s.cluster.kubernetesVersion = target;
    });
    recordClusterVersionStored(ctx.identity.labDir, { host: ctx.identity.name, from: clusterVersion, to: target, at: Date.now() });
    out('[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system with the configuration for the kubelets in the cluster\n[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n');
    await sleep(partMs(ctx, MODEL.addons));
    out('[addons] Applied essential addon: CoreDNS\n[addons] Applied essential addon: kube-proxy\n');
    out(`\n[upgrade/successful] SUCCESS! Your cluster was upgraded to "${target}". Enjoy!\n\n[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so.\n`);
    return 0;
  }
  if (sub === 'node') {
    out(`[upgrade] Reading configuration from the cluster...\n${CONFIG_HINT.replace('[upgrade/config]', '[upgrade]')}[preflight] Running pre-flight checks\n`);
    if (manifest('kube-apiserver') !== undefined) {
      out(`[upgrade] Upgrading your Static Pod-hosted control plane instance to version "${clusterVersion}"...\n`);
      await upgradeControlPlane(ctx, clusterVersion);
      out('[upgrade] The control plane instance for this node was successfully updated!\n');
    } else {
      out('[preflight] Skipping prepull. Not a control plane node.\n[upgrade] Skipping phase. Not a control plane node.\n');
      await sleep(partMs(ctx, MODEL.addons));
    }
    out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n[upgrade] The configuration for this node was successfully updated!\n[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.\n');
    return 0;
  }
  throw new SimExit(`unknown command "${sub ?? ''}" for "kubeadm upgrade"`, 1);
}
