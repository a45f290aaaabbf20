import { isCancellation } from '@temporalio/workflow';
import { concurrencyOf } from '../../plan/operation';
import type { HostSpec } from '../../spec/types';
import { mapWithConcurrency } from '../bring-up/concurrency';
import { describeFailure } from '../bring-up/failures';
import { hostInput } from '../bring-up/hosts';
import { formatProblems, preflightProblems } from '../bring-up/preflight-checks';
import type { ApplyContext, ApplyPhase, ApplyStep } from './context';

/** Failure of one step (and host), ending the apply with a message naming both. */
export class ApplyStepFailed extends Error {
  constructor(
    readonly step: ApplyStep['id'],
    readonly host: string | undefined,
    readonly detail: string,
  ) {
    super(`${step}${host ? ` on ${host}` : ''}: ${detail}`);
    this.name = 'ApplyStepFailed';
  }
}

/** Runs `fn` on each of the step's hosts as its mode allows; the first failure is thrown after the others in flight finish. */
async function eachHost(ctx: ApplyContext, self: ApplyStep, fn: (host: HostSpec) => Promise<void>): Promise<void> {
  let failed: ApplyStepFailed | undefined;
  await mapWithConcurrency(self.hosts, concurrencyOf(self), async (host) => {
    if (failed) return;
    ctx.progress.host(self.id, host.name, 'running');
    try {
      await fn(host);
      ctx.progress.host(self.id, host.name, 'succeeded');
    } catch (err) {
      if (isCancellation(err)) throw err;
      const detail = describeFailure(err);
      ctx.progress.host(self.id, host.name, 'failed', detail);
      failed ??= err instanceof ApplyStepFailed ? err : new ApplyStepFailed(self.id, host.name, detail);
    }
  });
  if (failed) throw failed;
}

const first = (ctx: ApplyContext) => hostInput(ctx, ctx.firstControlPlane);
const names = (hosts: HostSpec[]) => hosts.map((h) => h.name).join(', ');

/** 1. The new workers pass the bring-up's preflight checks (all problems at once). */
const preflightNewWorkers: ApplyPhase = {
  describe: ({ spec, add }) =>
    add.length ? { id: 'preflight-new-workers', title: `Preflight checks of ${names(add)}${spec.preflight.fix ? ' (fixing what can be fixed)' : ''}`, hosts: add, mode: { kind: 'parallel' } } : undefined,
  async run(ctx, self) {
    const reports = await Promise.all(
      self.hosts.map(async (host) => {
        ctx.progress.host(self.id, host.name, 'running');
        try {
          const report = await ctx.acts.preflight.executeWithOptions({ summary: `preflight ${host.name}` }, [{ ...hostInput(ctx, host), fix: ctx.spec.preflight.fix }]);
          return { report };
        } catch (err) {
          if (isCancellation(err)) throw err;
          return { unreachable: { host: host.name, check: 'reachable', message: describeFailure(err) } };
        }
      }),
    );
    const problems = preflightProblems(reports.flatMap((r) => (r.report ? [r.report] : [])), reports.flatMap((r) => (r.unreachable ? [r.unreachable] : [])), ctx.spec.preflight.ignore);
    for (const host of self.hosts) {
      const own = problems.filter((p) => p.host === host.name);
      ctx.progress.host(self.id, host.name, own.length ? 'failed' : 'succeeded', own[0] ? `[${own[0].check}] ${own[0].message}` : undefined);
    }
    if (problems.length > 0) throw new ApplyStepFailed(self.id, undefined, formatProblems(problems));
  },
};

/** 2. One fresh bootstrap token from the first control plane; each new worker joins with it and must report Ready. */
const joinNewWorkers: ApplyPhase = {
  describe: ({ spec, add }) => {
    if (add.length === 0) return undefined;
    const limit = Math.min(spec.workers.maxConcurrentJoins, add.length);
    return { id: 'join-new-workers', title: `Join ${names(add)}, at most ${limit} at a time, each Ready before it counts`, hosts: add, mode: limit === 1 ? { kind: 'serial' } : { kind: 'parallel', limit } };
  },
  async run(ctx, self) {
    const token = await ctx.acts.createJoinToken.executeWithOptions({ summary: `join token on ${ctx.firstControlPlane.name}` }, [first(ctx)]);
    ctx.token = token;
    await eachHost(ctx, self, async (host) => {
      await ctx.acts.joinNode.executeWithOptions({ summary: `kubeadm join ${host.name} as worker` }, [{ ...hostInput(ctx, host), as: 'worker', token }]);
      const node = await ctx.acts.waitForNodeReady.executeWithOptions({ summary: `${host.name} Ready` }, [{ ...first(ctx), node: host.name, timeoutMs: ctx.tuning.nodeReadyTimeoutMs }]);
      if (node.version) ctx.versions.set(host.name, node.version);
    });
  },
};

/** 3. Removing workers evicts their pods: someone says yes first. */
const approveRemoval: ApplyPhase = {
  describe: ({ spec, remove }) => {
    if (remove.length === 0) return undefined;
    const timeoutMs = spec.approvalTimeoutsMs?.['before-remove-workers'];
    return {
      id: 'approve-before-remove-workers',
      title: `Wait for approval: before-remove-workers (${names(remove)} will be drained, deleted and reset)`,
      hosts: [],
      mode: { kind: 'serial' },
      gate: { name: 'before-remove-workers', ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
    };
  },
  async run(ctx, self) {
    ctx.progress.setStepStatus(self.id, 'waiting');
    await ctx.gates.wait('before-remove-workers', self.gate?.timeoutMs);
  },
};

/** 4. Each removed worker: drained (when the API answers for it), its Node deleted, the host reset when reachable. */
const removeWorkers: ApplyPhase = {
  describe: ({ remove }) => (remove.length ? { id: 'remove-workers', title: `Drain, delete and reset ${names(remove)}, one at a time`, hosts: remove, mode: { kind: 'serial' } } : undefined),
  async run(ctx, self) {
    await eachHost(ctx, self, async (host) => {
      await ctx.acts.drainNode.executeWithOptions({ summary: `drain ${host.name}` }, [{ ...first(ctx), node: host.name, timeoutMs: 5 * 60_000 }]);
      await ctx.acts.abandonJoin.executeWithOptions({ summary: `delete and reset ${host.name}` }, [{ ...hostInput(ctx, host), as: 'worker' }]);
    });
  },
};

/** 5. The token minted for the joins is deleted. */
const revokeToken: ApplyPhase = {
  describe: ({ add, spec }) => (add.length ? { id: 'revoke-join-token', title: 'Delete the bootstrap token minted for the joins', hosts: [spec.hosts.find((h) => h.role === 'control-plane') as HostSpec], mode: { kind: 'serial' } } : undefined),
  async run(ctx) {
    const token = ctx.token;
    if (!token) return;
    await ctx.acts.revokeJoinCredentials.executeWithOptions({ summary: 'revoke the join token' }, [{ ...first(ctx), tokenIds: [token.token.split('.')[0] ?? ''], certificateSecret: false }]);
  },
};

/** 6. Every node of the new spec Ready and the control plane healthy. */
const verify: ApplyPhase = {
  describe: ({ spec }) => ({ id: 'verify-cluster', title: 'Verify every node is Ready (from the first control plane)', hosts: [spec.hosts.find((h) => h.role === 'control-plane') as HostSpec], mode: { kind: 'serial' } }),
  async run(ctx, self) {
    const report = await ctx.acts.verifyCluster.executeWithOptions({ summary: 'verify the cluster' }, [first(ctx)]);
    const wanted = ctx.spec.hosts.filter((h) => h.role !== 'load-balancer').map((h) => h.name);
    const missing = wanted.filter((n) => !report.nodes.some((node) => node.name === n && node.ready));
    const extra = ctx.remove.filter((h) => report.nodes.some((node) => node.name === h.name)).map((h) => h.name);
    if (missing.length || extra.length) {
      throw new ApplyStepFailed(self.id, ctx.firstControlPlane.name, [missing.length ? `not Ready: ${missing.join(', ')}` : '', extra.length ? `still listed: ${extra.join(', ')}` : ''].filter(Boolean).join('; '));
    }
  },
};

export const APPLY_PHASES: readonly ApplyPhase[] = [preflightNewWorkers, joinNewWorkers, approveRemoval, removeWorkers, revokeToken, verify];
