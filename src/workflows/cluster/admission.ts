import type { OperationRequest } from '../../shared/operations';
import { bringUpWorkflowId } from '../../shared/workflow-ids';
import { upgradeProblem } from '../../spec/version';
import type { ClusterState } from './state';
import { requestsInFlight } from './state';

/**
 * Whether the cluster takes this request now, as one sentence saying why not. Runs in the
 * update validator: a refused request is never queued and touches no host.
 */
export function admissionProblem(state: ClusterState, request: OperationRequest, running?: OperationRequest): string | undefined {
  const { record } = state;
  const inFlight = requestsInFlight(state, running);
  if (request.kind === 'bring-up') {
    if (request.spec.name !== record.name) return `the spec describes cluster ${request.spec.name}, but this is the workflow of cluster ${record.name}`;
    if (inFlight.some((r) => r.kind === 'bring-up')) return `cluster ${record.name} is already being brought up (workflow ${bringUpWorkflowId(record.name)})`;
    if (record.spec) return `cluster ${record.name} was already brought up successfully (workflow ${bringUpWorkflowId(record.name)})`;
    return undefined;
  }
  if (!record.spec || !record.kubernetesVersion) {
    return inFlight.some((r) => r.kind === 'bring-up')
      ? `cluster ${record.name} is still being brought up; ask for the upgrade once the bring-up succeeded`
      : `cluster ${record.name} has no successful bring-up to upgrade`;
  }
  const current = record.kubernetesVersion;
  const upgrades = inFlight.flatMap((r) => (r.kind === 'upgrade' ? [r.to] : []));
  // Asking again for an upgrade that is queued, running or stopped half-way resumes it.
  if (upgrades.includes(request.to)) return undefined;
  if (request.to === current && record.nodes.some((n) => n.version !== undefined && n.version !== current)) return undefined;
  // Queued upgrades run first, so a new one starts from the last of their targets.
  const from = upgrades[upgrades.length - 1] ?? current;
  const problem = upgradeProblem(from, request.to);
  if (!problem) return undefined;
  return from === current ? `cluster ${record.name} runs ${current}: ${problem}` : `cluster ${record.name} will run ${from} after the queued upgrades: ${problem}`;
}
