import type { UpgradeFacts } from '../../activities/upgrade-types';
import { compareVersions } from '../../spec/version-order';
import { upgradeProblem } from '../../spec/version';

/**
 * What the running cluster says against upgrading to `to` (the request was checked against the
 * recorded version already): its API server and kubelets must not be newer than `to`, and the
 * API server must be where kubeadm can go to `to` from — or already at `to` (resuming).
 */
export function clusterVersionProblems(facts: UpgradeFacts, to: string, nodes: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [what, version] of [['the API server through the endpoint', facts.endpointVersion], ['the first control plane\'s API server', facts.localVersion]] as const) {
    if (!version || version === to) continue;
    const skew = upgradeProblem(version, to);
    if (skew) problems.push(`${what} runs ${version}: ${skew}`);
  }
  for (const node of facts.nodes) {
    if (!nodes.includes(node.name)) continue;
    const order = compareVersions(node.version, to);
    if (order === undefined) problems.push(`node ${node.name} reports no version kubeha understands (${JSON.stringify(node.version)})`);
    else if (order > 0) problems.push(`node ${node.name}'s kubelet is ${node.version}, newer than ${to}`);
  }
  for (const name of nodes) if (!facts.nodes.some((n) => n.name === name)) problems.push(`node ${name} is not registered in the cluster`);
  return problems;
}

/** What still differs from a finished upgrade: endpoint version, and every node Ready at `to`. */
export function unfinishedUpgrade(facts: UpgradeFacts, to: string, nodes: readonly string[]): string[] {
  const problems: string[] = [];
  if (facts.endpointVersion !== to) problems.push(`/version through the endpoint answers ${facts.endpointVersion || 'nothing'}`);
  for (const name of nodes) {
    const node = facts.nodes.find((n) => n.name === name);
    if (!node) problems.push(`node ${name} is missing`);
    else if (node.version !== to) problems.push(`node ${name} reports ${node.version}`);
    else if (!node.ready) problems.push(`node ${name} is not Ready`);
  }
  return problems;
}
