/** `kubeadm upgrade plan|apply vX -y|node`: versions follow the installed kubeadm package. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { SimContext } from '../context';
import { hostPath } from '../context';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { flagBool } from '../flags';
import { packageGitVersion, readNodeState } from '../node-state';
import { readStore, updateStore } from '../store';
import { LATENCY, latencyMs, sleep } from '../time';
import { MANIFESTS_DIR, minorOf } from './files';
import { out } from '../output';

const UPGRADED = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** Points this control plane's static Pods at `version`; the kubelet restarts what changed. */
function upgradeStaticPods(version: string): string[] {
  const changed: string[] = [];
  for (const c of UPGRADED) {
    const file = hostPath(`${MANIFESTS_DIR}/${c}.yaml`);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const next = text.replace(new RegExp(`(image: registry\\.k8s\\.io/${c}:)v[\\d.]+`), `$1${version}`);
    if (next !== text) {
      writeFileSync(file, next);
      changed.push(c);
    }
  }
  return changed;
}

export async function upgrade(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const sub = p.positional[1];
  const cluster = readStore(ctx.identity.labDir).cluster;
  if (!cluster) throw new SimExit('[upgrade/config] FATAL: failed to get config map: configmaps "kubeadm-config" not found\nTo see the stack trace of this error execute with --v=5 or higher', 1);
  const kubeadmVersion = packageGitVersion(readNodeState(), 'kubeadm');
  if (sub === 'plan') {
    out(`[upgrade/config] Making sure the configuration is correct:\n[preflight] Running pre-flight checks.\n[upgrade] Running cluster health checks\n[upgrade] Fetching available versions to upgrade to\n[upgrade/versions] Cluster version: ${cluster.kubernetesVersion}\n[upgrade/versions] kubeadm version: ${kubeadmVersion}\n`);
    out(`\nYou can now apply the upgrade by executing the following command:\n\n\tkubeadm upgrade apply ${kubeadmVersion}\n\n`);
    return 0;
  }
  if (sub === 'apply') {
    const target = p.positional[2];
    if (!target) throw new SimExit('missing one or more required arguments. Required arguments: [version]', 1);
    if (target !== kubeadmVersion && minorOf(target) > minorOf(kubeadmVersion)) {
      throw new SimExit(`[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n\t- Specified version to upgrade to "${target}" is higher than the kubeadm version "${kubeadmVersion}". Upgrade kubeadm first using the tool you used to install kubeadm\n`, 1);
    }
    if (minorOf(target) > minorOf(cluster.kubernetesVersion) + 1) {
      throw new SimExit(`[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n\t- Specified version to upgrade to "${target}" is too high; kubeadm can upgrade only 1 minor version at a time\n`, 1);
    }
    if (!flagBool(p, 'yes')) throw new SimExit('[upgrade/confirm] Are you sure you want to proceed? [y/N]: won\'t proceed; the user didn\'t answer (Y|y) in order to continue', 1);
    out(`[upgrade/version] You have chosen to change the cluster version to "${target}"\n[upgrade/versions] Cluster version: ${cluster.kubernetesVersion}\n[upgrade/versions] kubeadm version: ${kubeadmVersion}\n`);
    await sleep(latencyMs(ctx.config, LATENCY.upgrade));
    for (const c of upgradeStaticPods(target)) out(`[upgrade/staticpods] Component "${c}" upgraded successfully!\n`);
    await updateStore(ctx.identity.labDir, (s) => {
      if (s.cluster) s.cluster.kubernetesVersion = target;
    });
    out(`\n[upgrade/successful] SUCCESS! Your cluster was upgraded to "${target}". Enjoy!\n\n[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so.\n`);
    return 0;
  }
  if (sub === 'node') {
    await sleep(latencyMs(ctx.config, LATENCY.upgrade / 2));
    const changed = upgradeStaticPods(cluster.kubernetesVersion);
    out(`[upgrade] Reading configuration from the cluster...\n${changed.length ? `[upgrade] Upgrading your Static Pod-hosted control plane instance to version "${cluster.kubernetesVersion}"...\n` : '[upgrade] Skipping phase. Not a control plane node.\n'}`);
    out('[upgrade] The configuration for this node was successfully updated!\n[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.\n');
    return 0;
  }
  throw new SimExit(`unknown command "${sub ?? ''}" for "kubeadm upgrade"`, 1);
}
