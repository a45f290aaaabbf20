import type { DrillPhase } from '../context';
import { checkCluster } from './check-cluster';
import { drillControlPlanes } from './drill-control-planes';
import { verifyDrill } from './verify-drill';

/** The failover drill, top to bottom: what progress declares and the workflow runs. */
export const DRILL_PHASES: readonly DrillPhase[] = [checkCluster, drillControlPlanes, verifyDrill];
