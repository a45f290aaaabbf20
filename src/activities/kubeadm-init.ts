/** `kubeadm init` on the first control plane, once: a host already initialized only mints fresh credentials. */
import { renderKubeadmInit } from '../render';
import { initState, kubeadmInit, kubeadmReset } from '../remote/kubeadm';
import { INIT_CONFIG } from '../remote/paths';
import { certificateKeyExpiry, KUBEADM_TOKEN_TTL_MS, mintCertificateKey, mintJoinToken } from './credentials';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { classifyKubeadmFailure, parseCertificateKey, parseJoinCommand, preflightErrors } from './kubeadm-output';
import { hostStep } from './step';
import type { HostStepInput, InitResult } from './types';
import { FailureTypes } from './types';

export function createInitActivities(deps: ActivityDeps) {
  return {
    async initControlPlane({ cluster, host }: HostStepInput): Promise<InitResult> {
      const step = hostStep(deps, host, 'init');
      const state = (await step.runChecked(initState.render({ node: host.name }))).stdout.trim();
      if (state === 'state=initialized') {
        step.log('already initialized (admin.conf present, node registered): minting fresh join credentials only');
        const certificateKey = await mintCertificateKey(deps, step, cluster);
        const token = await mintJoinToken(deps, step, cluster);
        return { alreadyInitialized: true, token, certificateKey };
      }
      if (state === 'state=leftovers') {
        step.log('found leftovers of an earlier kubeadm init that did not finish: running kubeadm reset -f before initializing again');
        await step.runChecked(kubeadmReset.render({ criSocket: cluster.criSocket }), { timeoutMs: 5 * 60_000 });
      }
      await step.writeFile(INIT_CONFIG, renderKubeadmInit(cluster, { host }), 0o600);
      const started = deps.clock();
      step.log('running kubeadm init');
      const result = await step.run(kubeadmInit.render({ config: INIT_CONFIG, ignore: cluster.preflight.ignore }), { timeoutMs: 15 * 60_000 });
      const output = `${result.stdout}\n${result.stderr}`;
      if (result.code !== 0) {
        const kind = classifyKubeadmFailure(output);
        const detail = kind === FailureTypes.preflight ? preflightErrors(output).join('\n') : lastLines(output);
        throw failure(kind, `${host.name}: kubeadm init failed (exit ${result.code}):\n${detail}`, { host: host.name, exitCode: result.code });
      }
      const join = parseJoinCommand(output);
      const key = parseCertificateKey(output);
      if (!join || !key) {
        // The guard found a running cluster (e.g. a retry after a lost reply): mint credentials.
        step.log('kubeadm init printed no join command: minting fresh join credentials');
        return { alreadyInitialized: true, certificateKey: await mintCertificateKey(deps, step, cluster), token: await mintJoinToken(deps, step, cluster) };
      }
      step.log('kubeadm init finished');
      return {
        alreadyInitialized: false,
        token: { ...join, expiresAt: new Date(started + Math.min(KUBEADM_TOKEN_TTL_MS, cluster.joinToken.ttlMs)).toISOString() },
        certificateKey: { key, expiresAt: certificateKeyExpiry(cluster, started) },
      };
    },
  };
}
