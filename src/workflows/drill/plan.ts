import { planOperation } from '../../plan/operation';
import type { DrillRequestPlan, PlannedDrillPhase } from './context';
import { DRILL_PHASES } from './phases';

/** The phases a drill runs for this cluster, each bound to its description. */
export function planDrill(request: DrillRequestPlan): PlannedDrillPhase[] {
  return planOperation(DRILL_PHASES, request);
}
