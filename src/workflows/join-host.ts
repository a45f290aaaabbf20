import { RetryState } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, isCancellation, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { FailureTypes, type ClusterSettings, type JoinInput } from '../activities/types';
import { copiesCertificates } from '../spec/certificate-distribution';
import type { BringUpTuning } from '../shared/messages';
import type { HostSpec } from '../spec/types';
import { joinActivities } from './bring-up/activities';
import type { CredentialKind, IssuedCredentials } from './bring-up/credentials';
import { describeFailure } from './bring-up/failures';
import { assertValidSettings } from './validate-input';

export interface JoinHostInput {
  cluster: ClusterSettings;
  host: HostSpec;
  as: 'control-plane' | 'worker';
  /** The parent's current credentials; a join that finds them expired returns `needs-renewal`. */
  credentials: IssuedCredentials;
  maxAttempts: number;
  tuning: BringUpTuning;
}

export type JoinHostResult =
  | { outcome: 'joined'; alreadyJoined: boolean; attempts: number }
  | { outcome: 'needs-renewal'; credential: CredentialKind; generation: number; attempts: number; error: string };

/** Failure type of a join that ran out of attempts; details carry `{ attempts }`. */
export const JOIN_FAILED = 'JoinFailed';

const EXPIRED: Record<string, CredentialKind> = {
  [FailureTypes.certificateKeyExpired]: 'certificateKey',
  [FailureTypes.joinTokenExpired]: 'joinToken',
};

/** The certificate key kubeadm downloads the certificates with, or (manual distribution) the control plane they are copied from. */
function controlPlaneCertificates(cluster: ClusterSettings, credentials: IssuedCredentials): Pick<JoinInput, 'certificateKey' | 'certificatesFrom'> {
  if (!copiesCertificates(cluster)) return { certificateKey: credentials.certificateKey };
  return { certificatesFrom: cluster.controlPlanes[0] };
}

function attemptsAfter(err: ActivityFailure, maxAttempts: number): number {
  return err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED ? maxAttempts : 1;
}

/** One host's `kubeadm join` (plus kube-vip on a control plane), as a child of the bring-up. */
export async function joinHost(input: JoinHostInput): Promise<JoinHostResult> {
  assertValidSettings(input.cluster, input.host);
  const { cluster, host, as, credentials } = input;
  const acts = joinActivities(input.tuning, input.maxAttempts);
  const on = { cluster, host };
  setCurrentDetails(`Joining **${host.name}** as ${as} to ${cluster.name} (${workflowInfo().workflowId})`);
  let attempts = 1;
  try {
    const result = await acts.joinNode.executeWithOptions({ summary: `kubeadm join ${host.name} as ${as}` }, [
      { ...on, as, token: credentials.token, ...(as === 'control-plane' ? controlPlaneCertificates(cluster, credentials) : {}) },
    ]);
    attempts = result.attempt ?? 1;
    if (as === 'control-plane' && cluster.loadBalancer.type === 'kube-vip') {
      await acts.installKubeVip.executeWithOptions({ summary: `kube-vip manifest on ${host.name}` }, [on]);
    }
    return { outcome: 'joined', alreadyJoined: result.alreadyJoined, attempts };
  } catch (err) {
    // A cancelled join ends cancelled (the parent undoes what it started), not as a failed join.
    if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
    attempts = attemptsAfter(err, input.maxAttempts);
    const cause = err.cause;
    const expired = cause instanceof ApplicationFailure && cause.type ? EXPIRED[cause.type] : undefined;
    if (expired) {
      return { outcome: 'needs-renewal', credential: expired, generation: credentials.generations[expired], attempts, error: describeFailure(err) };
    }
    throw ApplicationFailure.create({ type: JOIN_FAILED, message: describeFailure(err), nonRetryable: true, details: [{ attempts }] });
  }
}
