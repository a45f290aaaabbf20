/** The whole cluster seen from a control plane: nodes, control-plane pods, /readyz. Throws only when it cannot read them. */
import { clusterState } from '../remote/kubectl';
import { parseSections } from '../remote/sections';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { CONTROL_PLANE_COMPONENTS, nodeStatuses, podStatuses } from './kube-objects';
import { localApiUrl } from './kubeadm-state';
import { hostStep } from './step';
import type { ClusterReport, HostStepInput } from './types';
import { FailureTypes } from './types';

export function createVerifyActivities(deps: ActivityDeps) {
  return {
    async verifyCluster({ cluster, host }: HostStepInput): Promise<ClusterReport> {
      const step = hostStep(deps, host, 'verify-cluster');
      const readyzUrl = `${localApiUrl(cluster, host)}/readyz`;
      const sections = parseSections((await step.runChecked(clusterState.render({ readyzUrl }), { timeoutMs: 60_000 })).stdout);
      const nodesOut = sections.get('nodes');
      const podsOut = sections.get('pods');
      if (!nodesOut || nodesOut.code !== 0 || !podsOut || podsOut.code !== 0) {
        throw failure(FailureTypes.clusterNotReady, `${host.name}: kubectl cannot read the cluster:\n${lastLines(`${nodesOut?.output ?? ''}\n${podsOut?.output ?? ''}`, 4)}`);
      }
      const nodes = nodeStatuses(nodesOut.output);
      const controlPlanePods = podStatuses(podsOut.output).filter((p) => CONTROL_PLANE_COMPONENTS.some((c) => p.name.startsWith(`${c}-`)));
      const readyz = sections.get('readyz')?.output.trim() ?? '';
      // Facts only: the bring-up's verify phase judges them (cluster-checks: notReadyNodes, controlPlaneProblems) and polls.
      const report: ClusterReport = { nodes, controlPlanePods, readyz };
      step.log(`${nodes.length} nodes, ${nodes.filter((n) => n.ready).length} Ready; /readyz ${JSON.stringify(readyz.slice(0, 40))}`);
      return report;
    },
  };
}
