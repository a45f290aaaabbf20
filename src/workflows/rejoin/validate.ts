import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../activities/types';
import type { RejoinInput } from '../../shared/operations';
import { controlPlanes } from '../../spec/hosts';
import { assertValidSpec } from '../validate-input';
import { rejoinQuorumProblem } from './quorum';
import { replacementAddressProblem, withNodeAddress } from './replacement';

const MAX_BY = 256;

/** The node a request names, or why it cannot be rejoined: one rule for admission and the worker. */
export function rejoinTargetProblem(spec: RejoinInput['spec'], node: string): string | undefined {
  const host = spec.hosts.find((h) => h.name === node);
  if (!host) return `${node} is not a node of cluster ${spec.name} (nodes: ${spec.hosts.filter((h) => h.role !== 'load-balancer').map((h) => h.name).join(', ')})`;
  if (host.role === 'load-balancer') return `${node} is a load balancer of cluster ${spec.name}, not a node: nothing to rejoin`;
  if (host.role === 'control-plane') return rejoinQuorumProblem(controlPlanes(spec).map((h) => h.name), node);
  if (controlPlanes(spec).length === 0) return `cluster ${spec.name} has no control plane to join ${node} to`;
  return undefined;
}

/** A replace's node and new address, or why not: the rejoin's rule for the node, then the address's. */
export function replaceTargetProblem(spec: RejoinInput['spec'], node: string, address: string): string | undefined {
  return rejoinTargetProblem(spec, node) ?? replacementAddressProblem(spec, node, address);
}

/** The worker trusts nothing it is sent: the spec as the bring-up checks it, then the request. */
export function assertValidRejoin(input: RejoinInput): void {
  if (!input || typeof input !== 'object') throw ApplicationFailure.nonRetryable('the rejoin input is not an object', FailureTypes.invalidSpec);
  assertValidSpec(input.spec);
  const problems: string[] = [];
  if (typeof input.node !== 'string' || input.node === '') problems.push('`node` must name a node of the cluster');
  if (typeof input.requestedBy !== 'string' || input.requestedBy.trim() === '' || input.requestedBy.length > MAX_BY) problems.push(`\`requestedBy\` must name who asks (at most ${MAX_BY} characters)`);
  if (input.address !== undefined && (typeof input.address !== 'string' || input.address === '')) problems.push('`address` must be the new host\'s address');
  if (problems.length) throw ApplicationFailure.nonRetryable(`the rejoin request is refused: ${problems.join('; ')}`, FailureTypes.invalidSpec);
  const replacing = input.address !== undefined;
  const target = replacing ? replaceTargetProblem(input.spec, input.node, input.address as string) : rejoinTargetProblem(input.spec, input.node);
  if (target) throw ApplicationFailure.nonRetryable(`${replacing ? 'replace' : 'rejoin'} refused before any host was touched: ${target}`, FailureTypes.invalidSpec);
  // The spec the new host is rendered from passes the bring-up's checks too.
  if (replacing) assertValidSpec(withNodeAddress(input.spec, input.node, input.address as string));
}
