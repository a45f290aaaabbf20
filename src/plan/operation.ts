import type { HostSpec } from '../spec/types';

/**
 * An operation (bring-up, later upgrade, rejoin, …) is an ordered list of declared phases. Each
 * phase describes itself from the spec; `plan`, progress and the workflow all read that one
 * description. Pure and deterministic (no Node APIs): workflow code imports it.
 */

/** How a phase takes its hosts. */
export type PhaseMode = { kind: 'serial' } | { kind: 'parallel'; limit?: number };

export interface GateDescription<Gate extends string = string> {
  name: Gate;
  /** Ends the operation when nobody decides within this long; unset waits for ever. */
  timeoutMs?: number;
}

export interface PhaseDescription<Id extends string = string, Gate extends string = string> {
  id: Id;
  title: string;
  /** The hosts the phase acts on, in the order it takes them. Empty for gates. */
  hosts: HostSpec[];
  mode: PhaseMode;
  /** Present on approval phases: the operation waits for this gate. */
  gate?: GateDescription<Gate>;
}

export interface DeclaredPhase<Spec, Ctx, D extends PhaseDescription> {
  /** What the phase does for this spec, or undefined when it is not part of the run. */
  describe(spec: Spec): D | undefined;
  /** Does it, with the description `describe` returned for the same spec. */
  run(ctx: Ctx, self: D): Promise<void>;
}

export interface PlannedPhase<Ctx, D extends PhaseDescription> {
  description: D;
  run(ctx: Ctx): Promise<void>;
}

/** The phases that take part for `spec`, each bound to its description. */
export function planOperation<Spec, Ctx, D extends PhaseDescription>(phases: readonly DeclaredPhase<Spec, Ctx, D>[], spec: Spec): PlannedPhase<Ctx, D>[] {
  const planned: PlannedPhase<Ctx, D>[] = [];
  for (const phase of phases) {
    const description = phase.describe(spec);
    if (description) planned.push({ description, run: (ctx) => phase.run(ctx, description) });
  }
  return planned;
}

/** How many of the phase's hosts run at once. */
export function concurrencyOf(description: Pick<PhaseDescription, 'hosts' | 'mode'>): number {
  const { mode, hosts } = description;
  if (mode.kind === 'serial') return 1;
  return Math.max(1, Math.min(mode.limit ?? hosts.length, hosts.length));
}

export interface PhaseHooks<D> {
  started(description: D): void;
  succeeded(description: D): void;
  failed(description: D, err: unknown): void;
}

/** Runs one planned phase between its hooks: `started`, then `succeeded` or `failed` (and the error thrown on). */
export async function runPhase<Ctx, D extends PhaseDescription>(phase: PlannedPhase<Ctx, D>, ctx: Ctx, hooks: PhaseHooks<D>): Promise<void> {
  hooks.started(phase.description);
  try {
    await phase.run(ctx);
  } catch (err) {
    hooks.failed(phase.description, err);
    throw err;
  }
  hooks.succeeded(phase.description);
}

/** Runs the planned phases in order; the first failure ends the run (after `failed`). */
export async function runPlanned<Ctx, D extends PhaseDescription>(planned: readonly PlannedPhase<Ctx, D>[], ctx: Ctx, hooks: PhaseHooks<D>): Promise<void> {
  for (const phase of planned) await runPhase(phase, ctx, hooks);
}
