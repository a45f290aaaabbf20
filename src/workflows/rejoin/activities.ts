import { proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { KubehaActivities } from '../../activities/types';
import { HEARTBEAT_TIMEOUT_MS, MINUTE, options } from '../bring-up/activities';
import type { RejoinTuning } from '../../shared/operations';
import { LONGEST_STEP_MS } from '../../shared/timeouts';

type Proxies = ActivityInterfaceFor<KubehaActivities>;

export type RejoinActivityProxies = Pick<
  Proxies,
  | 'rejoinHostFacts'
  | 'removeFromCluster'
  | 'resetHost'
  | 'drainNode'
  | 'preflight'
  | 'createJoinToken'
  | 'uploadCerts'
  | 'joinNode'
  | 'installKubeVip'
  | 'revokeJoinCredentials'
  | 'waitForNodeReady'
  | 'verifyEtcd'
  | 'uploadClusterConfiguration'
  | 'updateLoadBalancerBackends'
  | 'copySharedCertificates'
> & {
  /** The same activities with few attempts: asking control planes in turn which one answers. */
  probe: Pick<Proxies, 'rejoinHostFacts' | 'verifyEtcd'>;
};

export function rejoinActivities(tuning: RejoinTuning): RejoinActivityProxies {
  const p = (startToCloseMs: number, attempts: number, heartbeatMs?: number) => proxyActivities<KubehaActivities>(options(tuning, startToCloseMs, attempts, heartbeatMs));
  const probe = p(MINUTE, 2);
  return {
    rejoinHostFacts: p(MINUTE, 5).rejoinHostFacts,
    removeFromCluster: p(3 * MINUTE, 6).removeFromCluster,
    resetHost: p(6 * MINUTE, 5).resetHost,
    drainNode: p(15 * MINUTE, 3, HEARTBEAT_TIMEOUT_MS).drainNode,
    preflight: p(2 * MINUTE, 3).preflight,
    createJoinToken: p(2 * MINUTE, 5).createJoinToken,
    uploadCerts: p(5 * MINUTE, 5).uploadCerts,
    joinNode: p(LONGEST_STEP_MS, tuning.joinMaxAttempts, HEARTBEAT_TIMEOUT_MS).joinNode,
    installKubeVip: p(5 * MINUTE, 5).installKubeVip,
    revokeJoinCredentials: p(2 * MINUTE, 10).revokeJoinCredentials,
    waitForNodeReady: p(tuning.nodeReadyTimeoutMs + MINUTE, 3, HEARTBEAT_TIMEOUT_MS).waitForNodeReady,
    verifyEtcd: p(2 * MINUTE, 6).verifyEtcd,
    uploadClusterConfiguration: p(3 * MINUTE, 5).uploadClusterConfiguration,
    updateLoadBalancerBackends: p(2 * MINUTE, 5).updateLoadBalancerBackends,
    copySharedCertificates: p(3 * MINUTE, 5).copySharedCertificates,
    probe: { rejoinHostFacts: probe.rejoinHostFacts, verifyEtcd: probe.verifyEtcd },
  };
}
