import type { ResetPhase } from '../context';
import { approveBeforeReset } from './approve-reset';
import { resetControlPlanes } from './reset-control-planes';
import { resetFirstControlPlane } from './reset-first-control-plane';
import { resetWorkers } from './reset-workers';

/** The teardown, top to bottom: what progress declares and the workflow runs. */
export const RESET_PHASES: readonly ResetPhase[] = [approveBeforeReset, resetWorkers, resetControlPlanes, resetFirstControlPlane];
