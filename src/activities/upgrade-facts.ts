/** The cluster's versions seen from a control plane; facts only, the upgrade workflow judges them. */
import { parseSections } from '../remote/sections';
import { clusterVersions } from '../remote/upgrade';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { nodeStatuses } from './kube-objects';
import { localApiUrl } from './kubeadm-state';
import { hostStep } from './step';
import type { HostStepInput } from './types';
import { FailureTypes } from './types';
import type { UpgradeFacts } from './upgrade-types';
import { gitVersionOf } from './upgrade-state';

export function createUpgradeFactActivities(deps: ActivityDeps) {
  return {
    async upgradeFacts({ cluster, host }: HostStepInput): Promise<UpgradeFacts> {
      const step = hostStep(deps, host, 'upgrade-facts');
      const sections = parseSections(
        (await step.runChecked(clusterVersions.render({ endpointUrl: `https://${cluster.controlPlaneEndpoint}`, localUrl: localApiUrl(cluster, host) }), { timeoutMs: 60_000 })).stdout,
      );
      const nodes = sections.get('nodes');
      const endpointVersion = gitVersionOf(sections.get('endpoint'));
      if (!nodes || nodes.code !== 0 || !endpointVersion) {
        throw failure(FailureTypes.clusterNotReady, `${host.name}: cannot read the cluster's versions:\n${lastLines(`${sections.get('endpoint')?.output ?? ''}\n${nodes?.output ?? ''}`, 4)}`);
      }
      return { endpointVersion, localVersion: gitVersionOf(sections.get('local')), nodes: nodeStatuses(nodes.output) };
    },
  };
}
