/**
 * `kubeadm init` on the first control plane, exactly once. kubeadm runs detached on the host, so a
 * lost session or a dead worker leaves it running; every attempt first judges the host from its
 * own evidence: attach to a running init, complete a half-finished one with kubeadm's idempotent
 * phases, reset only unambiguous leftovers, and retry when it cannot tell.
 */
import { parseAllDocuments } from 'yaml';
import { INIT_UNIT, kubeadmInitCommand, kubeadmInitFinishCommand, kubeadmReset, readFileIfPresent } from '../remote/kubeadm';
import { INIT_CONFIG } from '../remote/paths';
import { renderKubeadmInit } from '../render';
import { copiesCertificates } from '../spec/certificate-distribution';
import { KUBE_VIP_MANIFEST_PATH, kubeVipNeedsSuperAdminDuringInit, renderKubeVipManifest } from '../render/kube-vip';
import { certificateKeyExpiry, mintJoinToken, newBootstrapToken, newCertificateKey, readCaCertHash, tokenTtlSeconds, uploadCertificates } from './credentials';
import type { ActivityDeps } from './deps';
import { followDetached } from './detached-run';
import { failure, lastLines } from './failures';
import { judgeInitHost } from './host-state';
import { classifyKubeadmFailure, preflightErrors } from './kubeadm-output';
import { hasStackedEtcd, readHostFacts } from './kubeadm-state';
import { initPrerequisiteFiles } from './preflight';
import type { Step } from './step';
import { hostStep } from './step';
import type { ClusterSettings, HostStepInput, InitResult } from './types';
import { FailureTypes } from './types';

const FINISH_UNIT = `${INIT_UNIT}-finish`;

interface InitSecrets {
  token: string;
  /** Absent with manual certificate distribution. */
  certificateKey?: string;
}

const secretValues = (s: InitSecrets | undefined): string[] => (s ? [s.token, ...(s.certificateKey ? [s.certificateKey] : [])] : []);

/** The token and key in the init config kubeha wrote, if it is still there (no key expected when the certificates are copied). */
async function secretsOnHost(step: Step, cluster: ClusterSettings): Promise<InitSecrets | undefined> {
  const text = (await step.runChecked(readFileIfPresent.render({ path: INIT_CONFIG }))).stdout;
  if (!text.trim()) return undefined;
  const init = parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: string; certificateKey?: string; bootstrapTokens?: { token?: string }[] })
    .find((d) => d?.kind === 'InitConfiguration');
  const token = init?.bootstrapTokens?.[0]?.token;
  if (copiesCertificates(cluster)) return token ? { token } : undefined;
  return token && init?.certificateKey ? { token, certificateKey: init.certificateKey } : undefined;
}

/** Writes the init config with the secrets already on the host, or new ones; kubeadm reads both from it. */
async function writeInitConfig(step: Step, cluster: ClusterSettings): Promise<InitSecrets> {
  const secrets = (await secretsOnHost(step, cluster)) ?? { token: newBootstrapToken(), ...(copiesCertificates(cluster) ? {} : { certificateKey: newCertificateKey() }) };
  const config = renderKubeadmInit(cluster, {
    host: step.host,
    ...(secrets.certificateKey ? { certificateKey: secrets.certificateKey } : {}),
    bootstrapToken: { token: secrets.token, ttlMs: tokenTtlSeconds(cluster) * 1000 },
  });
  await step.writeFile(INIT_CONFIG, config, 0o600);
  return secrets;
}

function initFailed(host: string, code: number | undefined, log: string, secrets: readonly string[]): never {
  if (code === undefined) {
    throw failure(FailureTypes.remoteCommand, `${host}: kubeadm init died without an exit code (killed, or the host restarted); the next attempt judges what it left`);
  }
  const kind = classifyKubeadmFailure(log);
  const detail = kind === FailureTypes.preflight ? preflightErrors(log).join('\n') : lastLines(log, 8, secrets);
  throw failure(kind, `${host}: kubeadm init failed (exit ${code}):\n${detail}`, { host, exitCode: code });
}

/**
 * kube-vip on the first control plane ran with super-admin.conf (system:masters, unrevocable) while
 * init had no RBAC yet (v1.29+); once the API server is up it goes back to admin.conf.
 */
async function kubeVipBackToAdminConf(step: Step, cluster: ClusterSettings): Promise<void> {
  if (cluster.loadBalancer.type !== 'kube-vip' || !kubeVipNeedsSuperAdminDuringInit(cluster, step.host)) return;
  const { changed } = await step.writeFile(KUBE_VIP_MANIFEST_PATH, renderKubeVipManifest(cluster, step.host, { afterInit: true }), 0o600);
  if (changed) step.log('kube-vip switched from super-admin.conf back to admin.conf');
}

export function createInitActivities(deps: ActivityDeps) {
  /** The credentials the init made (from its config), or fresh ones when the config is gone. */
  async function credentials(step: Step, cluster: ClusterSettings, started: number, alreadyInitialized: boolean): Promise<InitResult> {
    await kubeVipBackToAdminConf(step, cluster);
    const secrets = await secretsOnHost(step, cluster);
    if (secrets) {
      const caHash = await readCaCertHash(step);
      return {
        alreadyInitialized,
        token: { token: secrets.token, caCertHash: caHash, expiresAt: new Date(started + cluster.joinToken.ttlMs).toISOString() },
        ...(secrets.certificateKey ? { certificateKey: { key: secrets.certificateKey, expiresAt: certificateKeyExpiry(cluster, started) } } : {}),
      };
    }
    const copied = copiesCertificates(cluster);
    step.log(`the init config is gone: minting a fresh join token${copied ? '' : ' and uploading the certificates with a new key'}`);
    const token = await mintJoinToken(deps, step, cluster);
    if (copied) return { alreadyInitialized, token };
    return { alreadyInitialized, token, certificateKey: await uploadCertificates(deps, step, cluster, newCertificateKey()) };
  }

  return {
    async initControlPlane({ cluster, host }: HostStepInput): Promise<InitResult> {
      const step = hostStep(deps, host, 'init');
      const started = deps.clock();
      for (let round = 0; round < 3; round++) {
        const state = judgeInitHost(await readHostFacts(step, cluster, INIT_UNIT, { api: true, etcd: hasStackedEtcd(cluster) }));
        switch (state.state) {
          case 'done':
            step.log('already initialized (its own API server is ready and kubeadm init finished)');
            return credentials(step, cluster, started, true);
          case 'fresh':
          case 'running': {
            const secrets = state.state === 'fresh' ? await writeInitConfig(step, cluster) : await secretsOnHost(step, cluster);
            const end = await followDetached(step, INIT_UNIT, kubeadmInitCommand({ config: INIT_CONFIG, ignore: cluster.preflight.ignore, uploadCerts: !copiesCertificates(cluster) }));
            if (end.code !== 0) initFailed(host.name, end.code, end.log, secretValues(secrets));
            step.log('kubeadm init finished');
            return credentials(step, cluster, started, !end.started);
          }
          case 'part-done': {
            step.log(`kubeadm init did not finish (${state.seen}): completing it with kubeadm's idempotent init phases`);
            const secrets = await writeInitConfig(step, cluster);
            const end = await followDetached(step, FINISH_UNIT, kubeadmInitFinishCommand({ config: INIT_CONFIG, uploadCerts: !copiesCertificates(cluster) }));
            if (end.code !== 0) {
              throw failure(FailureTypes.remoteCommand, `${host.name}: completing kubeadm init failed (exit ${end.code ?? 'none'}):\n${lastLines(end.log, 8, secretValues(secrets))}`);
            }
            return credentials(step, cluster, started, true);
          }
          case 'leftovers':
            step.log(`leftovers of an init that failed (${state.seen}) and no etcd or API server running: kubeadm reset -f`);
            // The user's external etcd files survive the reset: the next kubeadm init needs them.
            await step.runChecked(kubeadmReset.render({ criSocket: cluster.criSocket, unit: INIT_UNIT, keep: initPrerequisiteFiles(cluster) }), { timeoutMs: 5 * 60_000 });
            continue;
          case 'ask-cluster':
          case 'cant-tell':
            throw failure(FailureTypes.hostStateUnclear, `${host.name}: cannot tell whether kubeadm init is done (${state.seen}); retrying, nothing was changed`);
          case 'needs-attention':
            throw failure(FailureTypes.hostNeedsAttention, `${host.name}: ${state.seen}`);
        }
      }
      throw failure(FailureTypes.hostStateUnclear, `${host.name}: the host changed state while kubeadm init was being judged; retrying`);
    },
  };
}

