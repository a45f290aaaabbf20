import { ApplicationFailure, executeChild, ParentClosePolicy } from '@temporalio/workflow';
import { hostJoinWorkflowId } from '../../shared/workflow-ids';
import { KubehaCluster, KubehaHost } from '../../shared/search-attributes';
import type { StepId } from '../../shared/messages';
import type { HostSpec } from '../../spec/types';
import { joinHost } from '../join-host';
import type { BringUpContext } from './context';

/** A join not attempted because the host failed its preflight (which fails the bring-up once the other joins end). */
export const PREFLIGHT_FAILED = 'PreflightFailed';

export interface JoinOutcome {
  attempts: number;
  alreadyJoined: boolean;
}

/**
 * Joins one host through a child workflow, handing it the current credentials. A child that
 * finds them expired comes back with `needs-renewal`: the credential is renewed (once, however
 * many joins asked) and the host is joined again with the new one.
 */
export async function runJoin(ctx: BringUpContext, step: StepId, host: HostSpec, as: 'control-plane' | 'worker'): Promise<JoinOutcome> {
  const keeper = ctx.credentials;
  if (!keeper) throw ApplicationFailure.nonRetryable('joins need the credentials minted by init', 'InternalError');
  const problems = (await ctx.preflightOf?.(host.name)) ?? [];
  if (problems.length > 0) {
    throw ApplicationFailure.nonRetryable(`not joined: preflight found ${problems.map((p) => `[${p.check}] ${p.message}`).join('; ')}`, PREFLIGHT_FAILED);
  }
  const maxAttempts = as === 'worker' ? ctx.tuning.workerJoinMaxAttempts : ctx.tuning.controlPlaneJoinMaxAttempts;
  let attempts = 0;
  for (let round = 0; ; round++) {
    const result = await executeChild(joinHost, {
      workflowId: hostJoinWorkflowId(ctx.spec.name, host.name),
      parentClosePolicy: ParentClosePolicy.TERMINATE,
      staticSummary: `join ${host.name} as ${as}`,
      typedSearchAttributes: [
        { key: KubehaCluster, value: ctx.spec.name },
        { key: KubehaHost, value: host.name },
      ],
      args: [{ cluster: ctx.settings, host, as, credentials: keeper.current(), maxAttempts, tuning: ctx.tuning }],
    });
    attempts += result.attempts;
    if (result.outcome === 'joined') return { attempts, alreadyJoined: result.alreadyJoined };
    ctx.progress.hostRetrying(step, host.name, result.error);
    if (round >= ctx.tuning.maxCredentialRenewalsPerJoin) {
      throw ApplicationFailure.create({
        type: 'JoinFailed',
        message: `${result.error} (still failing after ${round} credential renewal(s))`,
        nonRetryable: true,
        details: [{ attempts }],
      });
    }
    await keeper.renewIfStale(result.credential, result.generation);
  }
}
