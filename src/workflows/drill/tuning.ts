import type { DrillTuning } from '../../shared/operations';

export const DEFAULT_DRILL_MAX_OUTAGE_MS = 10_000;

export const DEFAULT_DRILL_TUNING: DrillTuning = {
  retryInitialIntervalMs: 1_000,
  probeIntervalMs: 200,
  probeSlackMs: 5_000,
  restoreTimeoutMs: 3 * 60_000,
};

export function resolveDrillTuning(partial: Partial<DrillTuning> | undefined): DrillTuning {
  return { ...DEFAULT_DRILL_TUNING, ...partial };
}
