/**
 * Every activity input is checked on the worker before the activity runs: the cluster settings
 * and host against the same allow-lists as the spec, the credentials and names against their
 * formats. Activities may be scheduled by any workflow on the task queue, not only kubeha's.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { FailureTypes, type KubehaActivities } from '../activities/types';
import { PATTERNS } from '../spec/patterns';
import { clusterSettingsWireSchema, hostWireSchema, wireProblems } from '../spec/wire';

const TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
const CA_HASH = /^sha256:[a-f0-9]{64}$/;
const CERTIFICATE_KEY = /^[a-f0-9]{64}$/;
const TOKEN_ID = /^[a-z0-9]{6}$/;
const RELEASE = /^v1\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,3})$/;
const MAX_TIMEOUT_MS = 24 * 3_600_000;
const KUBEHA_FILE = /^\/etc\/kubeha\/[A-Za-z0-9._-]+$/;
const READYZ_URL = /^https:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}\/readyz$/;

type Input = Record<string, unknown>;

export function activityInputProblems(input: unknown): string[] {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return ['the input is not an object'];
  const i = input as Input;
  const problems: string[] = [];
  if ('cluster' in i) problems.push(...wireProblems(clusterSettingsWireSchema, i.cluster).map((p) => `cluster.${p}`));
  if ('host' in i) problems.push(...wireProblems(hostWireSchema, i.host).map((p) => `host.${p}`));
  if ('target' in i) problems.push(...wireProblems(hostWireSchema, i.target).map((p) => `target.${p}`));
  if ('certificatesFrom' in i) problems.push(...wireProblems(hostWireSchema, i.certificatesFrom).map((p) => `certificatesFrom.${p}`));
  const token = i.token as Input | undefined;
  if (token !== undefined && (typeof token?.token !== 'string' || !TOKEN.test(token.token) || typeof token.caCertHash !== 'string' || !CA_HASH.test(token.caCertHash))) {
    problems.push('token: not a bootstrap token with a sha256 CA hash');
  }
  const key = i.certificateKey as Input | undefined;
  if (key !== undefined && (typeof key?.key !== 'string' || !CERTIFICATE_KEY.test(key.key))) problems.push('certificateKey: not 64 hex digits');
  if ('tokenIds' in i && !(Array.isArray(i.tokenIds) && i.tokenIds.every((t) => typeof t === 'string' && TOKEN_ID.test(t)))) problems.push('tokenIds: not token ids');
  if ('files' in i && i.files !== undefined && !(Array.isArray(i.files) && i.files.every((f) => typeof f === 'string' && KUBEHA_FILE.test(f)))) {
    problems.push('files: only files directly in /etc/kubeha may be removed');
  }
  if ('node' in i && !(typeof i.node === 'string' && PATTERNS.nodeName.test(i.node))) problems.push('node: not a node name');
  if ('to' in i && !(typeof i.to === 'string' && RELEASE.test(i.to))) problems.push('to: not a release vX.Y.Z');
  if ('timeoutMs' in i && !(typeof i.timeoutMs === 'number' && Number.isInteger(i.timeoutMs) && i.timeoutMs > 0 && i.timeoutMs <= MAX_TIMEOUT_MS)) problems.push('timeoutMs: not a positive whole number of milliseconds up to a day');
  if ('withinDays' in i && !(typeof i.withinDays === 'number' && Number.isInteger(i.withinDays) && i.withinDays >= 1 && i.withinDays <= 3650)) problems.push('withinDays: not a whole number of days from 1 to 3650');
  if ('initPrerequisites' in i && typeof i.initPrerequisites !== 'boolean') problems.push('initPrerequisites: not true or false');
  if ('as' in i && i.as !== 'control-plane' && i.as !== 'worker') problems.push('as: neither control-plane nor worker');
  if ('manifests' in i && !(Array.isArray(i.manifests) && i.manifests.length <= 2 && i.manifests.every((m) => m === 'kube-apiserver.yaml' || m === 'etcd.yaml'))) problems.push('manifests: only kube-apiserver.yaml and etcd.yaml may be stopped');
  if ('url' in i && !(typeof i.url === 'string' && READYZ_URL.test(i.url))) problems.push('url: not an https://host:port/readyz URL');
  if ('urls' in i && !(Array.isArray(i.urls) && i.urls.length <= 100 && i.urls.every((u) => typeof u === 'string' && READYZ_URL.test(u)))) problems.push('urls: not https://host:port/readyz URLs');
  for (const key of ['windowMs', 'intervalMs'] as const) {
    if (key in i && !(typeof i[key] === 'number' && Number.isInteger(i[key]) && (i[key] as number) >= 50 && (i[key] as number) <= 3_600_000)) problems.push(`${key}: not a whole number of milliseconds from 50 to an hour`);
  }
  return problems;
}

/** kubeha's activities, checked by the compiler against the contract: their inputs are validated. */
const KUBEHA_ACTIVITIES: Record<keyof KubehaActivities, true> = {
  preflight: true,
  configureLoadBalancer: true,
  installKubeVip: true,
  probeLoadBalancer: true,
  initControlPlane: true,
  uploadCerts: true,
  revokeJoinCredentials: true,
  createJoinToken: true,
  applyCni: true,
  waitForNodeReady: true,
  joinNode: true,
  copySharedCertificates: true,
  abandonJoin: true,
  verifyEtcd: true,
  verifyCluster: true,
  upgradeFacts: true,
  installKubeadm: true,
  kubeadmUpgradePlan: true,
  kubeadmUpgradeApply: true,
  kubeadmUpgradeNode: true,
  drainNode: true,
  uncordonNode: true,
  upgradeKubelet: true,
  resetHostFacts: true,
  forgetForReset: true,
  resetNode: true,
  rejoinHostFacts: true,
  uploadClusterConfiguration: true,
  updateLoadBalancerBackends: true,
  removeFromCluster: true,
  resetHost: true,
  certificateFacts: true,
  renewCertificates: true,
  restartControlPlanePods: true,
  parkManifests: true,
  restoreManifests: true,
  probeReadyz: true,
  readyzCodes: true,
};

class ValidatingInbound implements ActivityInboundCallsInterceptor {
  constructor(private readonly activityType: string) {}

  async execute(input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0], next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1]): Promise<unknown> {
    const ours = Object.prototype.hasOwnProperty.call(KUBEHA_ACTIVITIES, this.activityType);
    const problems = ours ? input.args.flatMap((arg) => activityInputProblems(arg)) : [];
    if (problems.length) {
      throw ApplicationFailure.nonRetryable(`activity input refused by the worker, nothing was run: ${problems.slice(0, 10).join('; ')}`, FailureTypes.invalidSpec);
    }
    return next(input);
  }
}

export const validateActivityInputs: ActivityInterceptorsFactory = (ctx) => ({ inbound: new ValidatingInbound(ctx.info.activityType) });
