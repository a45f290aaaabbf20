import { CONTROL_PLANE_COMPONENTS } from '../../activities/types';
import type { ClusterReport, NodeStatus } from '../../activities/types';

/** The judge of node readiness: which of the `expected` nodes are missing or not Ready, in the order expected. */
export function notReadyNodes(expected: readonly string[], nodes: readonly NodeStatus[]): string[] {
  return expected.filter((name) => !nodes.some((n) => n.name === name && n.ready));
}

/**
 * The judge of the control plane: every control plane's static pods Running (etcd's only when
 * stacked) and /readyz ok. Node readiness is `notReadyNodes`'.
 */
export function controlPlaneProblems(report: ClusterReport, controlPlanes: readonly string[], stackedEtcd: boolean): string[] {
  const problems: string[] = [];
  for (const cp of controlPlanes) {
    for (const component of CONTROL_PLANE_COMPONENTS) {
      if (component === 'etcd' && !stackedEtcd) continue;
      const pod = report.controlPlanePods.find((p) => p.name === `${component}-${cp}`);
      if (!pod) problems.push(`${component}-${cp} is missing`);
      else if (pod.phase !== 'Running') problems.push(`${pod.name} is ${pod.phase}`);
    }
  }
  if (report.readyz !== 'ok') problems.push(`/readyz says ${JSON.stringify(report.readyz.slice(0, 200))}`);
  return problems;
}
