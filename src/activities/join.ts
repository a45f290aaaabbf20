/**
 * `kubeadm join` of one host, run detached so it outlives the worker. Every attempt judges the
 * host first: attach to a running join, complete a control-plane join that died after
 * kubelet-start, leave a joined host alone, and reset only leftovers the cluster does not count
 * as a Ready node or an etcd member.
 */
import { JOIN_UNIT, kubeadmJoinCommand, kubeadmJoinFinishCommand, kubeadmReset } from '../remote/kubeadm';
import { JOIN_CONFIG } from '../remote/paths';
import { renderKubeadmJoin } from '../render';
import { copiesCertificates } from '../spec/certificate-distribution';
import type { ActivityDeps } from './deps';
import { followDetached } from './detached-run';
import { failure, lastLines } from './failures';
import type { HostFacts, HostState } from './host-state';
import { judgeJoinHost, judgeLeftovers } from './host-state';
import { classifyKubeadmFailure, preflightErrors } from './kubeadm-output';
import { askCluster, hasStackedEtcd, readHostFacts } from './kubeadm-state';
import { copySharedCertificates } from './shared-certificates';
import { hostStep } from './step';
import type { JoinInput, JoinResult } from './types';
import { FailureTypes } from './types';

const FINISH_UNIT = `${JOIN_UNIT}-finish`;

const HINTS: Partial<Record<string, string>> = {
  [FailureTypes.certificateKeyExpired]: 'the uploaded certificates expired or the key is wrong: re-upload them (kubeadm init phase upload-certs --upload-certs) and join again with the key',
  [FailureTypes.joinTokenExpired]: 'the bootstrap token is unknown or expired: create a new one (kubeadm token create) and join again',
};

/** The shared certificates copied before a manual-distribution join are not a join's leftovers. */
function withoutCopiedCertificates(facts: HostFacts, copied: boolean): HostFacts {
  if (!copied || !facts.files.has('pki/ca.crt')) return facts;
  return { ...facts, files: new Set([...facts.files].filter((f) => f !== 'pki/ca.crt')) };
}

function withAttempt(result: JoinResult, attempt: number | undefined): JoinResult {
  return attempt === undefined ? result : { ...result, attempt };
}

function joinFailed(host: string, code: number | undefined, log: string, secrets: readonly string[]): never {
  if (code === undefined) {
    throw failure(FailureTypes.remoteCommand, `${host}: kubeadm join died without an exit code (killed, or the host restarted); the next attempt judges what it left`);
  }
  const kind = classifyKubeadmFailure(log);
  const errors = kind === FailureTypes.preflight ? preflightErrors(log) : [];
  const detail = errors.length > 0 ? errors.join('\n') : lastLines(log, kind === FailureTypes.preflight ? 10 : 4, secrets);
  const hint = HINTS[kind];
  throw failure(kind, `${host}: kubeadm join failed (exit ${code}):\n${detail}${hint ? `\nFix: ${hint}` : ''}`, { host, exitCode: code });
}

export function createJoinActivities(deps: ActivityDeps) {
  return {
    async joinNode({ cluster, host, as, token, certificateKey, certificatesFrom }: JoinInput): Promise<JoinResult> {
      const step = hostStep(deps, host, `join-${as}`);
      const copied = as === 'control-plane' && copiesCertificates(cluster);
      if (copied ? !certificatesFrom || certificateKey : as === 'control-plane' && !certificateKey) {
        throw failure(
          FailureTypes.invalidSpec,
          `${host.name}: a control-plane join needs ${copied ? 'the control plane its certificates are copied from, and no certificate key (certificateDistribution: manual)' : 'a certificate key'}`,
        );
      }
      const stacked = hasStackedEtcd(cluster);
      const secrets = [token.token, ...(certificateKey ? [certificateKey.key] : [])];
      // Written by the command that starts kubeadm, and only when it does (never beside a run already going).
      const config = () => ({ path: JOIN_CONFIG, content: renderKubeadmJoin({ cluster, host, as, secrets: { token: token.token, caCertHash: token.caCertHash, certificateKey: certificateKey?.key } }) });
      for (let round = 0; round < 3; round++) {
        let state: HostState = judgeJoinHost(withoutCopiedCertificates(await readHostFacts(step, cluster, JOIN_UNIT, { api: as === 'control-plane', etcd: as === 'control-plane' && stacked }), copied), as, stacked);
        if (state.state === 'ask-cluster') {
          const view = await askCluster(deps, cluster, host, as);
          state = view ? judgeLeftovers(state.seen, view) : { state: 'cant-tell', seen: `${state.seen}; the first control plane gave no clear answer about it` };
        }
        switch (state.state) {
          case 'done':
            step.log('already joined: nothing to do');
            return withAttempt({ alreadyJoined: true }, step.attempt);
          case 'fresh':
          case 'running': {
            const fresh = state.state === 'fresh';
            if (fresh && copied && certificatesFrom) await copySharedCertificates(deps, { cluster, host: certificatesFrom, target: host });
            step.log(fresh ? `running kubeadm join as ${as}` : 'a kubeadm join is already running: following it');
            const end = await followDetached(step, JOIN_UNIT, kubeadmJoinCommand({ config: JOIN_CONFIG, ignore: cluster.preflight.ignore }), {
              removeWhenDone: JOIN_CONFIG,
              ...(fresh ? { input: config() } : {}),
            });
            if (end.code !== 0) joinFailed(host.name, end.code, end.log, secrets);
            step.log(`joined as ${as}`);
            return withAttempt({ alreadyJoined: !end.started }, step.attempt);
          }
          case 'part-done': {
            step.log(`the join stopped after kubelet-start (${state.seen}): completing it with kubeadm join phase control-plane-join all`);
            const end = await followDetached(step, FINISH_UNIT, kubeadmJoinFinishCommand({ config: JOIN_CONFIG }), { removeWhenDone: JOIN_CONFIG, input: config() });
            if (end.code !== 0) joinFailed(host.name, end.code, end.log, secrets);
            return withAttempt({ alreadyJoined: false }, step.attempt);
          }
          case 'leftovers':
            step.log(`leftovers of a join that did not finish (${state.seen}), and the cluster counts it neither as a Ready node nor as an etcd member: kubeadm reset -f`);
            await step.runChecked(kubeadmReset.render({ criSocket: cluster.criSocket, unit: JOIN_UNIT }), { timeoutMs: 5 * 60_000 });
            continue;
          case 'cant-tell':
            throw failure(FailureTypes.hostStateUnclear, `${host.name}: cannot tell whether it has joined (${state.seen}); retrying, nothing was changed`);
          case 'needs-attention':
            throw failure(FailureTypes.hostNeedsAttention, `${host.name}: ${state.seen}. kubeha will not reset it: remove the stale member/Node (or rejoin the host) and run again`);
        }
      }
      throw failure(FailureTypes.hostStateUnclear, `${host.name}: the host changed state while its join was being judged; retrying`);
    },
  };
}
