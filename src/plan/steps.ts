import type { ApprovalGate, ClusterSpec } from '../spec/types';
import type { StepId } from '../shared/messages';
import { BRING_UP_PHASES } from '../workflows/bring-up/phases';
import type { BringUpStep } from '../workflows/bring-up/context';
import { planOperation, type PhaseMode } from './operation';

/**
 * The ordered steps of a bring-up: the bring-up's declared phases as they describe themselves
 * for this spec — the same descriptions the workflow declares as progress and runs.
 */

/** The same ids the bring-up workflow reports progress under, so `plan` and `status` agree. */
export type { StepId };

export type StepMode = PhaseMode;

export interface PlanStep {
  id: StepId;
  title: string;
  /** Host names, in the order the step takes them. Empty for gates. */
  hosts: string[];
  mode: StepMode;
  /** Present on approval steps: the bring-up waits for this gate to be approved. */
  gate?: ApprovalGate;
  /** With `gate`: the bring-up fails with GateTimedOut after waiting this long. */
  gateTimeoutMs?: number;
}

export function toPlanStep(step: BringUpStep): PlanStep {
  return {
    id: step.id,
    title: step.title,
    hosts: step.hosts.map((h) => h.name),
    mode: step.mode,
    ...(step.gate ? { gate: step.gate.name } : {}),
    ...(step.gate?.timeoutMs !== undefined ? { gateTimeoutMs: step.gate.timeoutMs } : {}),
  };
}

export function planSteps(spec: ClusterSpec): PlanStep[] {
  return planOperation(BRING_UP_PHASES, spec).map((p) => toPlanStep(p.description));
}
