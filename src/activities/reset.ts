/**
 * The reset's activities (kubeha reset): what a host still has of the cluster, removing a node
 * from the cluster through the first control plane (etcd member, then the Node), and resetting
 * a host so that a new bring-up finds it as fresh: `kubeadm reset -f`, then the CNI configuration
 * and root's kubeconfig kubeadm leaves, and kubeha's own rendered configs and run records.
 */
import { cleanAfterReset, kubeadmResetForce, RESET_CLEANUP_INPUT, RESET_PATHS, resetHostState } from '../remote/reset';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { forgetNodeThrough } from './forget-node';
import type { ForgetForResetInput, ForgetForResetResult, ResetHostFacts, ResetNodeResult } from './reset-types';
import { hostStep, type Step } from './step';
import { FailureTypes, type HostStepInput } from './types';

/** Parses `resetHostState`'s line; anything else is a retryable error (never a guess). */
export function parseResetHostState(stdout: string): ResetHostFacts | undefined {
  const m = /kubelet\.conf=(yes|no) confs=\s*(\d+) manifests=\s*(\d+) etcd=(yes|no) kubelet=(\S+)/.exec(stdout);
  if (!m) return undefined;
  const facts = { kubeletConf: m[1] === 'yes', confs: Number(m[2]), manifests: Number(m[3]), etcdData: m[4] === 'yes', kubelet: m[5] as string };
  return { ...facts, clean: !facts.kubeletConf && facts.confs === 0 && facts.manifests === 0 && !facts.etcdData && facts.kubelet !== 'active' };
}

export function describeFacts(f: ResetHostFacts): string {
  return `kubelet.conf ${f.kubeletConf ? 'present' : 'absent'}, ${f.confs} kubeconfig(s) in /etc/kubernetes, ${f.manifests} static Pod manifest(s), etcd data ${f.etcdData ? 'present' : 'absent'}, kubelet ${f.kubelet}`;
}

async function facts(step: Step): Promise<ResetHostFacts> {
  const { stdout } = await step.runChecked(resetHostState.render(RESET_PATHS), { timeoutMs: 30_000 });
  const parsed = parseResetHostState(stdout);
  if (!parsed) throw failure(FailureTypes.hostStateUnclear, `${step.host.name}: cannot read what is left of the node: ${lastLines(stdout, 2)}`);
  return parsed;
}

export function createResetActivities(deps: ActivityDeps) {
  return {
    async resetHostFacts({ host }: HostStepInput): Promise<ResetHostFacts> {
      const step = hostStep(deps, host, 'reset-host-facts');
      const f = await facts(step);
      step.log(f.clean ? 'already reset: nothing left of the cluster' : describeFacts(f));
      return f;
    },

    async forgetForReset(input: ForgetForResetInput): Promise<ForgetForResetResult> {
      return forgetNodeThrough(deps, input, `forget-${input.target.name}`);
    },

    async resetNode({ cluster, host }: HostStepInput): Promise<ResetNodeResult> {
      const step = hostStep(deps, host, 'reset-node');
      const before = await facts(step);
      if (!before.clean) {
        step.log(`${describeFacts(before)}: kubeadm reset -f`);
        const r = await step.run(kubeadmResetForce.render({ criSocket: cluster.criSocket }), { timeoutMs: 5 * 60_000 });
        if (r.code !== 0) throw failure(FailureTypes.remoteCommand, `${host.name}: kubeadm reset -f failed (exit ${r.code}):\n${lastLines(`${r.stdout}\n${r.stderr}`, 6)}`);
      }
      await step.runChecked(cleanAfterReset.render(RESET_CLEANUP_INPUT), { timeoutMs: 60_000 });
      const after = await facts(step);
      if (!after.clean) throw failure(FailureTypes.hostStateUnclear, `${host.name}: still not clean after kubeadm reset: ${describeFacts(after)}`);
      step.log(`${before.clean ? 'already reset' : 'kubeadm reset -f done'}; CNI configuration, root kubeconfig, kubeha's configs and run records removed`);
      return { kubeadmReset: !before.clean };
    },
  };
}
