/** One control plane's turn: stop, probe the endpoint, look at etcd from a survivor, restore and wait for it. */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { DrillManifestName, ReadyzSample } from '../../activities/drill-types';
import { controlPlanes } from '../../spec/hosts';
import type { HostSpec } from '../../spec/types';
import { describeFailure } from '../bring-up/failures';
import { hostInput } from '../bring-up/hosts';
import { endpointReadyzUrl, untilWhole } from './cluster-view';
import type { DrillContext } from './context';
import { DrillStepFailed } from './failures';
import { drillManifests, etcdDuring, etcdDuringProblems, measureOutage, outageProblem } from './judge';

const STEP = 'drill-control-planes';

/** The control plane the endpoint is probed from and etcd is asked through while `host` is down: the next one. */
export function survivorOf(ctx: Pick<DrillContext, 'spec'>, host: HostSpec): HostSpec {
  const cps = controlPlanes(ctx.spec);
  const i = cps.findIndex((h) => h.name === host.name);
  const next = cps[(i + 1) % cps.length];
  if (!next || next.name === host.name) throw new DrillStepFailed(STEP, host.name, 'no other control plane to probe from');
  return next;
}

/**
 * Stops `host`'s API server (and stacked etcd member) and judges the endpoint and etcd while it
 * is down; whatever happens, the parked manifests go back (in a scope a cancel cannot cut short)
 * and the host must answer again before this returns. A verdict problem is recorded in the row;
 * an error (or a host that did not come back) throws.
 */
export async function drillHost(ctx: DrillContext, host: HostSpec): Promise<'passed' | 'failed'> {
  const row = ctx.progress.row(host.name);
  const survivor = survivorOf(ctx, host);
  const manifests = drillManifests(ctx.spec);
  const input = { ...hostInput(ctx, host), manifests };
  let parked: DrillManifestName[] | undefined;
  const problems: string[] = [];
  let error: unknown;
  try {
    const [probe, park] = await Promise.allSettled([
      ctx.acts.probeReadyz.executeWithOptions({ summary: `/readyz through the endpoint from ${survivor.name} while ${host.name} is down` }, [
        { ...hostInput(ctx, survivor), url: endpointReadyzUrl(ctx), windowMs: ctx.windowMs, intervalMs: ctx.tuning.probeIntervalMs },
      ]),
      ctx.acts.parkManifests.executeWithOptions({ summary: `stop ${manifests.join(', ')} on ${host.name}` }, [input]).then((r) => {
        parked = r.parked;
        return r;
      }),
    ]);
    if (park.status === 'rejected') throw park.reason;
    if (park.value.absent.length) throw new DrillStepFailed(STEP, host.name, `${park.value.absent.join(', ')} not found in /etc/kubernetes/manifests: not a kubeadm control plane as recorded`);
    if (probe.status === 'rejected') throw probe.reason;
    const samples: ReadyzSample[] = probe.value;
    const outage = measureOutage(samples, ctx.tuning.probeIntervalMs);
    Object.assign(row, { outageMs: outage.outageMs, probes: outage.probes, failedProbes: outage.failedProbes });
    const outageIssue = outageProblem(outage, ctx.maxOutageMs, host.name);
    if (outageIssue) problems.push(outageIssue);
    const report = await ctx.acts.verifyEtcd.executeWithOptions({ summary: `etcd from ${survivor.name} while ${host.name} is down` }, [hostInput(ctx, survivor)]);
    const during = etcdDuring(report);
    Object.assign(row, { etcdMembers: during.members, etcdHealthy: during.healthy, ...(during.leader ? { etcdLeader: during.leader } : {}) });
    problems.push(...etcdDuringProblems(during, report, ctx.spec.etcd.topology === 'stacked' ? host : undefined));
    ctx.refresh();
  } catch (err) {
    error = err;
  }
  const restore = await CancellationScope.nonCancellable(async (): Promise<{ ms: number } | { problem: string }> => {
    const started = Date.now();
    try {
      await ctx.acts.restoreManifests.executeWithOptions({ summary: `put back ${manifests.join(', ')} on ${host.name}` }, [{ ...input, manifests: parked ?? manifests }]);
      const whole = await untilWhole(ctx, host, [host], false, ctx.tuning.restoreTimeoutMs);
      return whole.ok ? { ms: Date.now() - started } : { problem: `${host.name} did not come back within ${ctx.tuning.restoreTimeoutMs} ms: ${whole.problems.join('; ')}` };
    } catch (err) {
      return { problem: `restoring ${host.name} failed (its manifests may still be parked in /var/lib/kubeha/drill-stopped): ${describeFailure(err)}` };
    }
  });
  if ('ms' in restore) row.restoredMs = restore.ms;
  if (error !== undefined && isCancellation(error)) throw error;
  const why = [...(error !== undefined ? [error instanceof DrillStepFailed ? error.detail : describeFailure(error)] : []), ...('problem' in restore ? [restore.problem] : [])];
  if (why.length) {
    row.verdict = 'failed';
    row.problems.push(...why);
    throw new DrillStepFailed(STEP, host.name, why.join('; '));
  }
  row.problems.push(...problems);
  row.verdict = problems.length ? 'failed' : 'passed';
  if (problems.length) ctx.verdictFailure ??= { host: host.name, message: problems.join('; ') };
  return row.verdict;
}
