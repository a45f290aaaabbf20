/** Readiness of every API server, the endpoint and etcd, polled until whole or a deadline: before and after the drill, and after each restore. */
import { sleep } from '@temporalio/workflow';
import { controlPlanes } from '../../spec/hosts';
import { joinHostPort } from '../../spec/hosts';
import type { HostSpec } from '../../spec/types';
import { hostInput } from '../bring-up/hosts';
import type { DrillContext } from './context';
import { etcdWholeProblems, readyzUrl } from './judge';

const POLL_MS = 1_000;

export function apiServerReadyzUrl(ctx: Pick<DrillContext, 'settings'>, host: HostSpec): string {
  // The API server port as kubeadm-init renders it: the endpoint's port with kube-vip, 6443 behind a load balancer.
  const port = ctx.settings.loadBalancer.type === 'kube-vip' ? ctx.settings.loadBalancer.port : 6443;
  return readyzUrl(joinHostPort(host.address, port));
}

export function endpointReadyzUrl(ctx: Pick<DrillContext, 'spec'>): string {
  return readyzUrl(ctx.spec.controlPlaneEndpoint);
}

/** What is wrong, seen from `from`: API servers of `hosts` (and the endpoint) not answering 200, etcd not whole. */
export async function clusterProblems(ctx: DrillContext, from: HostSpec, hosts: readonly HostSpec[], withEndpoint: boolean): Promise<string[]> {
  const urls = [...hosts.map((h) => apiServerReadyzUrl(ctx, h)), ...(withEndpoint ? [endpointReadyzUrl(ctx)] : [])];
  const codes = await ctx.acts.readyzCodes.executeWithOptions({ summary: `/readyz of ${hosts.map((h) => h.name).join(', ')}${withEndpoint ? ' and the endpoint' : ''} from ${from.name}` }, [{ ...hostInput(ctx, from), urls }]);
  const problems: string[] = [];
  for (const url of urls) {
    const code = codes.find((c) => c.url === url)?.code ?? 0;
    const what = url === endpointReadyzUrl(ctx) && withEndpoint ? 'the endpoint' : (hosts.find((h) => apiServerReadyzUrl(ctx, h) === url)?.name ?? url);
    if (code !== 200) problems.push(`${what}: /readyz ${code === 0 ? 'did not answer' : `answered ${code}`}`);
  }
  const report = await ctx.acts.verifyEtcd.executeWithOptions({ summary: `etcd seen from ${from.name}` }, [hostInput(ctx, from)]);
  const expected = ctx.spec.etcd.topology === 'stacked' ? controlPlanes(ctx.spec).length : report.members.length;
  problems.push(...etcdWholeProblems(report, expected));
  return problems;
}

/** Polls `clusterProblems` until there are none (returns the time it took) or `timeoutMs` passed (returns the last problems). */
export async function untilWhole(ctx: DrillContext, from: HostSpec, hosts: readonly HostSpec[], withEndpoint: boolean, timeoutMs: number): Promise<{ ok: true; ms: number } | { ok: false; problems: string[] }> {
  const started = Date.now();
  for (;;) {
    const problems = await clusterProblems(ctx, from, hosts, withEndpoint);
    if (problems.length === 0) return { ok: true, ms: Date.now() - started };
    if (Date.now() - started + POLL_MS > timeoutMs) return { ok: false, problems };
    await sleep(POLL_MS, { summary: 'wait for the API servers and etcd' });
  }
}
