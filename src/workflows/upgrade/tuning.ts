import type { UpgradeTuning } from '../../shared/operations';

export const DEFAULT_UPGRADE_TUNING: UpgradeTuning = {
  retryInitialIntervalMs: 2_000,
  nodeReadyTimeoutMs: 10 * 60_000,
  etcdHealthyTimeoutMs: 2 * 60_000,
};

export function resolveUpgradeTuning(partial: Partial<UpgradeTuning> | undefined): UpgradeTuning {
  return { ...DEFAULT_UPGRADE_TUNING, ...partial };
}
