import { sleep } from '@temporalio/workflow';
import type { EtcdSample } from '../../shared/operations';
import type { HostSpec } from '../../spec/types';
import { etcdProblems, expectedEtcdMembers } from '../bring-up/etcd-checks';
import { hostInput } from '../bring-up/hosts';
import type { UpgradeContext } from './context';

const POLL_MS = 2_000;

/** How the host's own kubeadm step goes: `apply` on the first control plane, `node` on the others. */
export type KubeadmStep = 'apply' | 'node';

/** A kubectl activity's input about `node`, run on the first control plane (admin.conf). */
export const nodeInput = (ctx: UpgradeContext, node: HostSpec, timeoutMs: number) => ({ ...hostInput(ctx, ctx.firstControlPlane), node: node.name, timeoutMs });

/** Polls (from the first control plane) until the node is Ready and reports `to`. */
async function waitForNodeVersion(ctx: UpgradeContext, host: HostSpec): Promise<void> {
  const deadline = Date.now() + ctx.tuning.nodeReadyTimeoutMs;
  for (;;) {
    const remaining = Math.max(1_000, deadline - Date.now());
    const status = await ctx.acts.waitForNodeReady.executeWithOptions({ summary: `wait for ${host.name} Ready at ${ctx.to}` }, [nodeInput(ctx, host, remaining)]);
    if (status.version) ctx.progress.setVersion(host.name, status.version);
    if (status.version === ctx.to) return;
    if (Date.now() + POLL_MS > deadline) throw new Error(`node ${host.name} still reports ${status.version || 'no version'} after its kubelet upgrade, not ${ctx.to}`);
    await sleep(POLL_MS, { summary: `wait for ${host.name} to report ${ctx.to}` });
  }
}

/** Members, health and leader after a control plane was upgraded, polled until healthy or the deadline. */
async function checkEtcd(ctx: UpgradeContext, host: HostSpec): Promise<void> {
  const expected = expectedEtcdMembers(ctx.spec);
  const deadline = Date.now() + ctx.tuning.etcdHealthyTimeoutMs;
  for (;;) {
    const report = await ctx.acts.verifyEtcd.executeWithOptions({ summary: `etcd after ${host.name}` }, [hostInput(ctx, host)]);
    const problems = etcdProblems(report, expected);
    const leaderEndpoint = report.endpoints.find((e) => e.isLeader)?.endpoint;
    const leader = report.members.find((m) => leaderEndpoint && m.clientURLs.includes(leaderEndpoint))?.name ?? leaderEndpoint;
    const sample: EtcdSample = { after: host.name, at: new Date().toISOString(), healthy: problems.length === 0, members: report.members.length, ...(leader ? { leader } : {}) };
    if (problems.length === 0) {
      ctx.progress.etcdSamples.push(sample);
      return;
    }
    if (Date.now() + POLL_MS > deadline) {
      ctx.progress.etcdSamples.push({ ...sample, problems });
      throw new Error(`etcd is not healthy after upgrading ${host.name}: ${problems.join('; ')}`);
    }
    await sleep(POLL_MS, { summary: 'wait for etcd to settle' });
  }
}

/**
 * One host, as kubeadm's procedure has it: kubeadm (apply or node), drain, kubelet and kubectl,
 * wait for the node at the new version, uncordon; etcd checked after a control plane. A host whose
 * node already reports `to` (an earlier run got there) is only made sure to be uncordoned.
 */
export async function upgradeHost(ctx: UpgradeContext, host: HostSpec, kubeadm: KubeadmStep): Promise<void> {
  const { progress, acts, to } = ctx;
  const input = { ...hostInput(ctx, host), to };
  if (progress.node(host.name)?.kubelet === to) {
    progress.setStage(host.name, 'uncordoning');
    await acts.uncordonNode.executeWithOptions({ summary: `uncordon ${host.name} (already at ${to})` }, [nodeInput(ctx, host, 60_000)]);
    progress.setCordoned(host.name, false);
    progress.setStage(host.name, 'upgraded');
    return;
  }
  progress.setStage(host.name, 'kubeadm');
  if (kubeadm === 'apply') {
    await acts.kubeadmUpgradeApply.executeWithOptions({ summary: `kubeadm upgrade apply ${to} on ${host.name}` }, [input]);
  } else {
    await acts.installKubeadm.executeWithOptions({ summary: `kubeadm ${to} on ${host.name}` }, [input]);
    await acts.kubeadmUpgradeNode.executeWithOptions({ summary: `kubeadm upgrade node on ${host.name}` }, [input]);
  }
  progress.setStage(host.name, 'draining');
  progress.setCordoned(host.name, true);
  await acts.drainNode.executeWithOptions({ summary: `drain ${host.name}` }, [nodeInput(ctx, host, ctx.tuning.nodeReadyTimeoutMs)]);
  progress.setStage(host.name, 'kubelet');
  await acts.upgradeKubelet.executeWithOptions({ summary: `kubelet ${to} on ${host.name}` }, [input]);
  progress.setStage(host.name, 'waiting-for-node');
  await waitForNodeVersion(ctx, host);
  progress.setStage(host.name, 'uncordoning');
  await acts.uncordonNode.executeWithOptions({ summary: `uncordon ${host.name}` }, [nodeInput(ctx, host, 60_000)]);
  progress.setCordoned(host.name, false);
  if (host.role === 'control-plane') {
    progress.setStage(host.name, 'etcd-check');
    await checkEtcd(ctx, host);
  }
  progress.setStage(host.name, 'upgraded');
}
