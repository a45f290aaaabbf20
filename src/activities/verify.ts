/** The whole cluster seen from a control plane: nodes Ready, control-plane pods Running, /readyz ok. */
import { clusterState } from '../remote/kubectl';
import { parseSections } from '../remote/sections';
import { apiServerBindPort } from '../render';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { CONTROL_PLANE_COMPONENTS, nodeStatuses, podStatuses } from './kube-objects';
import { hostStep } from './step';
import type { ClusterReport, HostStepInput } from './types';
import { FailureTypes } from './types';

export function createVerifyActivities(deps: ActivityDeps) {
  return {
    async verifyCluster({ cluster, host }: HostStepInput): Promise<ClusterReport> {
      const step = hostStep(deps, host, 'verify-cluster');
      const readyzUrl = `https://${host.address.includes(':') ? `[${host.address}]` : host.address}:${apiServerBindPort(cluster)}/readyz`;
      const sections = parseSections((await step.runChecked(clusterState.render({ readyzUrl }), { timeoutMs: 60_000 })).stdout);
      const nodesOut = sections.get('nodes');
      const podsOut = sections.get('pods');
      if (!nodesOut || nodesOut.code !== 0 || !podsOut || podsOut.code !== 0) {
        throw failure(FailureTypes.clusterNotReady, `${host.name}: kubectl cannot read the cluster:\n${lastLines(`${nodesOut?.output ?? ''}\n${podsOut?.output ?? ''}`, 4)}`);
      }
      const nodes = nodeStatuses(nodesOut.output);
      const controlPlanePods = podStatuses(podsOut.output).filter((p) => CONTROL_PLANE_COMPONENTS.some((c) => p.name.startsWith(`${c}-`)));
      const readyz = sections.get('readyz')?.output.trim() ?? '';
      const problems: string[] = [];
      const names = new Set(nodes.map((n) => n.name));
      for (const cp of cluster.controlPlanes) {
        if (!names.has(cp.name)) problems.push(`control plane ${cp.name} is not registered`);
        for (const component of CONTROL_PLANE_COMPONENTS) {
          if (cluster.etcd.topology === 'external' && component === 'etcd') continue;
          const pod = controlPlanePods.find((p) => p.name === `${component}-${cp.name}`);
          if (!pod) problems.push(`${component}-${cp.name} is missing`);
          else if (pod.phase !== 'Running') problems.push(`${pod.name} is ${pod.phase}`);
        }
      }
      for (const n of nodes) if (!n.ready) problems.push(`node ${n.name} is NotReady`);
      if (readyz !== 'ok') problems.push(`/readyz says ${JSON.stringify(readyz.slice(0, 200))}`);
      const report: ClusterReport = { nodes, controlPlanePods, readyz };
      if (problems.length) throw failure(FailureTypes.clusterNotReady, `${host.name}: cluster not ready: ${problems.join('; ')}`, report);
      step.log(`cluster ready: ${nodes.length} nodes`);
      return report;
    },
  };
}
