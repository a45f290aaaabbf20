import type { OperationRequest } from '../../shared/operations';
import { kindOf } from './kinds';
import type { ClusterState } from './state';
import { requestsInFlight } from './state';

/**
 * Whether the cluster takes this request now, as one sentence saying why not. Runs in the
 * update validator: a refused request is never queued and touches no host.
 */
export function admissionProblem(state: ClusterState, request: OperationRequest, running?: OperationRequest): string | undefined {
  return kindOf(request.kind).admit(state, request, requestsInFlight(state, running));
}
