import type { ResetTuning } from '../../shared/operations';

export const DEFAULT_RESET_TUNING: ResetTuning = {
  retryInitialIntervalMs: 2_000,
  drainTimeoutMs: 2 * 60_000,
  workerParallelism: 5,
};

export function resolveResetTuning(partial: Partial<ResetTuning> | undefined): ResetTuning {
  return { ...DEFAULT_RESET_TUNING, ...partial };
}
