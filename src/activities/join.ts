/** `kubeadm join` of one host; an already-joined host is left alone, a half-joined one is reset first. */
import { renderKubeadmJoin } from '../render';
import { joinState, kubeadmJoin, kubeadmReset } from '../remote/kubeadm';
import { JOIN_CONFIG } from '../remote/paths';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { classifyKubeadmFailure, preflightErrors } from './kubeadm-output';
import { hostStep } from './step';
import type { JoinInput, JoinResult } from './types';
import { FailureTypes } from './types';

const HINTS: Partial<Record<string, string>> = {
  [FailureTypes.certificateKeyExpired]: 'the uploaded certificates expired or the key is wrong: re-upload them (kubeadm init phase upload-certs --upload-certs) and join again with the new key',
  [FailureTypes.joinTokenExpired]: 'the bootstrap token is unknown or expired: create a new one (kubeadm token create) and join again',
};

function withAttempt(result: JoinResult, attempt: number | undefined): JoinResult {
  return attempt === undefined ? result : { ...result, attempt };
}

export function createJoinActivities(deps: ActivityDeps) {
  return {
    async joinNode({ cluster, host, as, token, certificateKey }: JoinInput): Promise<JoinResult> {
      const step = hostStep(deps, host, `join-${as}`);
      if (as === 'control-plane' && !certificateKey) {
        throw failure(FailureTypes.invalidSpec, `${host.name}: a control-plane join needs a certificate key`);
      }
      const state = (await step.runChecked(joinState.render({ node: host.name }))).stdout.trim();
      if (state === 'state=joined') {
        step.log('already joined (kubelet.conf present, node registered): nothing to do');
        return withAttempt({ alreadyJoined: true }, step.attempt);
      }
      if (state === 'state=leftovers') {
        step.log('found leftovers of a half-failed join: running kubeadm reset -f before joining again');
        await step.runChecked(kubeadmReset.render({ criSocket: cluster.criSocket }), { timeoutMs: 5 * 60_000 });
      }
      const config = renderKubeadmJoin({
        cluster,
        host,
        as,
        secrets: { token: token.token, caCertHash: token.caCertHash, certificateKey: certificateKey?.key },
      });
      await step.writeFile(JOIN_CONFIG, config, 0o600);
      step.log(`running kubeadm join as ${as}`);
      const result = await step.run(kubeadmJoin.render({ config: JOIN_CONFIG, ignore: cluster.preflight.ignore }), { timeoutMs: 15 * 60_000 });
      if (result.code !== 0) {
        const output = `${result.stdout}\n${result.stderr}`;
        const kind = classifyKubeadmFailure(output);
        const detail = kind === FailureTypes.preflight ? preflightErrors(output).join('\n') : lastLines(output, 4);
        const hint = HINTS[kind];
        throw failure(kind, `${host.name}: kubeadm join failed (exit ${result.code}):\n${detail}${hint ? `\nFix: ${hint}` : ''}`, {
          host: host.name,
          exitCode: result.code,
        });
      }
      step.log(`joined as ${as}`);
      return withAttempt({ alreadyJoined: false }, step.attempt);
    },
  };
}
