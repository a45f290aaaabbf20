/** The pinned kubeadm, kubelet and kubectl packages of an upgrade, and the kubelet restart. */
import { installPinned, restartKubelet, type KubePackage } from '../remote/upgrade';
import { compareVersions, debVersion } from '../spec/version-order';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { localApiUrl } from './kubeadm-state';
import type { Step } from './step';
import { hostStep } from './step';
import { FailureTypes } from './types';
import type { UpgradeHostInput } from './upgrade-types';
import { readUpgradeHostFacts } from './upgrade-state';

async function install(step: Step, packages: KubePackage[], to: string): Promise<boolean> {
  const result = await step.run(installPinned.render({ packages, gitVersion: to, debVersion: debVersion(to) }), { timeoutMs: 10 * 60_000 });
  if (result.code !== 0) {
    throw failure(FailureTypes.remoteCommand, `${step.host.name}: installing ${packages.join(', ')} ${debVersion(to)} failed (exit ${result.code}):\n${lastLines(`${result.stdout}\n${result.stderr}`, 6)}`);
  }
  const changed = result.stdout.includes('installed');
  step.log(changed ? `${packages.join(', ')} ${debVersion(to)} installed and held` : `${packages.join(', ')} already at ${debVersion(to)} and held`);
  return changed;
}

export function createUpgradePackageActivities(deps: ActivityDeps) {
  return {
    async installKubeadm({ host, to }: UpgradeHostInput): Promise<{ changed: boolean }> {
      const step = hostStep(deps, host, 'install-kubeadm');
      return { changed: await install(step, ['kubeadm'], to) };
    },

    async upgradeKubelet({ cluster, host, to }: UpgradeHostInput): Promise<{ changed: boolean }> {
      const step = hostStep(deps, host, 'upgrade-kubelet');
      // The API server this kubelet talks to: its own on a control plane, the endpoint's on a worker.
      const apiUrl = host.role === 'control-plane' ? localApiUrl(cluster, host) : `https://${cluster.controlPlaneEndpoint}`;
      const facts = await readUpgradeHostFacts(step, [apiUrl], 'none');
      const api = facts.apiVersions[0] ?? '';
      const order = compareVersions(api, to);
      if (order === undefined) {
        throw failure(FailureTypes.hostStateUnclear, `${host.name}: the API server at ${apiUrl} did not say its version (${api || 'no answer'}); the kubelet is not upgraded before it does, retrying`);
      }
      if (order < 0) {
        throw failure(
          FailureTypes.versionSkew,
          `${host.name}: the API server at ${apiUrl} runs ${api}, older than ${to}: a kubelet must never be newer than its API server; upgrade the control plane first (nothing was changed)`,
        );
      }
      const changed = await install(step, ['kubelet', 'kubectl'], to);
      const restart = await step.run(restartKubelet.render({}), { timeoutMs: 2 * 60_000 });
      if (restart.code !== 0) throw failure(FailureTypes.remoteCommand, `${host.name}: restarting the kubelet failed (exit ${restart.code}):\n${lastLines(restart.stderr, 4)}`);
      step.log(`kubelet restarted at ${to}`);
      return { changed };
    },
  };
}
