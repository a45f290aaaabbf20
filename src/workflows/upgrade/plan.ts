import { planOperation } from '../../plan/operation';
import type { PlannedUpgradePhase, UpgradeRequestPlan } from './context';
import { UPGRADE_PHASES } from './phases';

/** The phases an upgrade runs for this request, each bound to its description. */
export function planUpgrade(request: UpgradeRequestPlan): PlannedUpgradePhase[] {
  return planOperation(UPGRADE_PHASES, request);
}
