import { planOperation } from '../../plan/operation';
import type { PlannedRejoinPhase, RejoinPlan } from './context';
import { REJOIN_PHASES } from './phases';

/** The phases a rejoin runs for this node, each bound to its description. */
export function planRejoin(plan: RejoinPlan): PlannedRejoinPhase[] {
  return planOperation(REJOIN_PHASES, plan);
}
