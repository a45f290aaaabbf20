import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../activities/types';
import { clusterSettingsWireSchema, clusterSpecWireSchema, hostWireSchema, wireProblems } from '../spec/wire';

/**
 * The worker trusts nothing it is sent: a workflow can be started by any Temporal client, skipping
 * `kubeha validate`. A spec kubeha itself would not have produced fails here, before any activity
 * is scheduled, so no host is touched and no worker file is read.
 */
function refuse(what: string, problems: string[]): never {
  throw ApplicationFailure.nonRetryable(`${what} is not a spec kubeha accepts (start it with kubeha up or KubehaClient after kubeha validate): ${problems.join('; ')}`, FailureTypes.invalidSpec);
}

export function assertValidSpec(spec: unknown): void {
  const problems = wireProblems(clusterSpecWireSchema, spec);
  if (problems.length) refuse('the workflow input', problems);
}

export function assertValidSettings(cluster: unknown, host: unknown): void {
  const problems = [...wireProblems(clusterSettingsWireSchema, cluster), ...wireProblems(hostWireSchema, host).map((p) => `host ${p}`)];
  if (problems.length) refuse('the join input', problems);
}
