import type { RejoinTuning } from '../../shared/operations';

export const DEFAULT_REJOIN_TUNING: RejoinTuning = {
  retryInitialIntervalMs: 2_000,
  nodeReadyTimeoutMs: 10 * 60_000,
  etcdHealthyTimeoutMs: 3 * 60_000,
  joinMaxAttempts: 5,
};

export function resolveRejoinTuning(partial: Partial<RejoinTuning> | undefined): RejoinTuning {
  return { ...DEFAULT_REJOIN_TUNING, ...partial };
}
