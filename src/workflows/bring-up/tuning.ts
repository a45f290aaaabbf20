import type { BringUpTuning } from '../../shared/messages';

export const DEFAULT_TUNING: BringUpTuning = {
  retryInitialIntervalMs: 2_000,
  workerJoinMaxAttempts: 5,
  controlPlaneJoinMaxAttempts: 10,
  probeMaxAttempts: 6,
  nodeReadyTimeoutMs: 10 * 60_000,
  etcdHealthyTimeoutMs: 2 * 60_000,
  maxCredentialRenewalsPerJoin: 3,
};

export function resolveTuning(partial: Partial<BringUpTuning> | undefined): BringUpTuning {
  return { ...DEFAULT_TUNING, ...partial };
}
