import { isCancellation, sleep } from '@temporalio/workflow';
import { certificatesToRenew } from '../../certificates/expiration';
import { concurrencyOf } from '../../plan/operation';
import type { CertificatesStepId } from '../../shared/operations';
import { controlPlanes } from '../../spec/hosts';
import type { HostSpec } from '../../spec/types';
import { mapWithConcurrency } from '../bring-up/concurrency';
import { describeFailure } from '../bring-up/failures';
import { hostInput } from '../bring-up/hosts';
import { CertificatesStepFailed, type CertificatesContext, type CertificatesPhase, type CertificatesStep } from './context';

const POLL_MS = 2_000;

/** Runs `fn` on the step's hosts as its mode allows; every host finishes, then the first failure is thrown. */
async function eachHost(ctx: CertificatesContext, self: CertificatesStep, fn: (host: HostSpec) => Promise<'succeeded' | 'skipped'>): Promise<void> {
  let failed: CertificatesStepFailed | undefined;
  await mapWithConcurrency(self.hosts, concurrencyOf(self), async (host) => {
    if (failed && self.mode.kind === 'serial') return;
    ctx.progress.hostStarted(self.id, host.name);
    try {
      ctx.progress.hostEnded(self.id, host.name, await fn(host));
    } catch (err) {
      if (isCancellation(err)) throw err;
      const detail = err instanceof CertificatesStepFailed ? err.detail : describeFailure(err);
      ctx.progress.hostEnded(self.id, host.name, 'failed', detail);
      failed ??= new CertificatesStepFailed(self.id, host.name, detail);
    }
  });
  if (failed) throw failed;
}

async function readHost(ctx: CertificatesContext, host: HostSpec, summary: string) {
  const { ready: _ready, ...facts } = await ctx.acts.certificateFacts.executeWithOptions({ summary }, [hostInput(ctx, host)]);
  return ctx.progress.setHost(facts);
}

const step = (id: CertificatesStepId, title: string, hosts: HostSpec[], mode: CertificatesStep['mode']): CertificatesStep => ({ id, title, hosts, mode });

/** 1. `kubeadm certs check-expiration` (and the kubelet's client certificate) on every control plane. */
export const checkExpiration: CertificatesPhase = {
  describe: ({ spec }) => step('check-expiration', 'Run kubeadm certs check-expiration and read the kubelet client certificate on every control plane', controlPlanes(spec), { kind: 'parallel' }),
  async run(ctx, self) {
    await eachHost(ctx, self, async (host) => {
      await readHost(ctx, host, `check-expiration on ${host.name}`);
      return 'succeeded';
    });
  },
};

/**
 * 2. One control plane at a time, those with a certificate within the threshold: `kubeadm certs
 * renew all`, the control-plane static Pods restarted, then wait until the local API server is
 * ready and serves the certificate now on disk, nothing left within the threshold.
 */
export const renewControlPlanes: CertificatesPhase = {
  describe: ({ spec, action, renewWithinDays }) =>
    action === 'renew' ? step('renew-control-planes', `Renew certificates expiring within ${renewWithinDays} days, restart the static Pods, one control plane at a time`, controlPlanes(spec), { kind: 'serial' }) : undefined,
  async run(ctx, self) {
    await eachHost(ctx, self, async (host) => {
      const before = ctx.progress.host(host.name);
      if (!before || certificatesToRenew(before, Date.now(), ctx.renewWithinDays).length === 0) return 'skipped';
      const input = hostInput(ctx, host);
      await ctx.acts.renewCertificates.executeWithOptions({ summary: `kubeadm certs renew all on ${host.name}` }, [{ ...input, withinDays: ctx.renewWithinDays }]);
      await ctx.acts.restartControlPlanePods.executeWithOptions({ summary: `restart the control-plane static Pods on ${host.name}` }, [{ ...input, timeoutMs: ctx.tuning.restartTimeoutMs }]);
      const deadline = Date.now() + ctx.tuning.restartTimeoutMs;
      for (;;) {
        const { ready, ...facts } = await ctx.acts.certificateFacts.executeWithOptions({ summary: `re-check ${host.name}` }, [input]);
        const after = ctx.progress.setHost(facts, true);
        const due = certificatesToRenew(after, Date.now(), ctx.renewWithinDays);
        const serving = after.servingNotAfter !== undefined && after.servingNotAfter === after.apiserverCrtNotAfter;
        if (ready && serving && due.length === 0) return 'succeeded';
        if (Date.now() + POLL_MS > deadline) {
          const why = [
            ...(due.length ? [`still within ${ctx.renewWithinDays} days: ${due.join(', ')}`] : []),
            ...(!serving ? [`kube-apiserver serves a certificate valid until ${after.servingNotAfter ?? '(no answer)'}, apiserver.crt is valid until ${after.apiserverCrtNotAfter ?? '?'}`] : []),
            ...(!ready ? ['kube-apiserver is not ready'] : []),
          ];
          throw new CertificatesStepFailed(self.id, host.name, why.join('; '));
        }
        await sleep(POLL_MS, { summary: `wait for ${host.name}'s API server to serve the renewed certificate` });
      }
    });
  },
};

/** 3. check-expiration again on every control plane: nothing within the threshold. */
export const verifyCertificates: CertificatesPhase = {
  describe: ({ spec, action, renewWithinDays }) =>
    action === 'renew' ? step('verify-certificates', `Check that no control plane has a certificate expiring within ${renewWithinDays} days`, controlPlanes(spec), { kind: 'parallel' }) : undefined,
  async run(ctx, self) {
    await eachHost(ctx, self, async (host) => {
      const after = await readHost(ctx, host, `check-expiration on ${host.name}`);
      const due = certificatesToRenew(after, Date.now(), ctx.renewWithinDays);
      if (due.length) throw new CertificatesStepFailed(self.id, host.name, `still within ${ctx.renewWithinDays} days after renewal: ${due.join(', ')}`);
      return 'succeeded';
    });
  },
};

/** The operation, top to bottom: what progress declares and the workflow runs. */
export const CERTIFICATES_PHASES: readonly CertificatesPhase[] = [checkExpiration, renewControlPlanes, verifyCertificates];
