import { isCancellation, patched } from '@temporalio/workflow';
import { runPhase, runPlanned, type PhaseHooks } from '../../plan/operation';
import type { StepId } from '../../shared/messages';
import type { BringUpContext, BringUpStep, PlannedBringUpPhase } from './context';
import { StepFailed } from './failures';
import { latePreflightFailed } from './phases/preflight';
import type { HostProblem } from './preflight-checks';

/**
 * Bring-ups started before it ran the phases strictly one after another: preflight of every host
 * before init, the workers' joins after every control plane's and the etcd check.
 */
export const CRITICAL_PATH_PATCH = 'bring-up-critical-path';

/**
 * Bring-ups started before it joined no host until the CNI was applied and the first control
 * plane was Ready; a join needs neither (its node stays NotReady until the CNI's agent runs on it).
 */
export const CNI_BESIDE_JOINS_PATCH = 'cni-beside-joins';

const JOIN_STEPS: readonly StepId[] = ['join-control-planes', 'verify-etcd', 'approve-before-workers', 'join-workers'];
const CONTROL_PLANE_BRANCH: readonly StepId[] = ['join-control-planes', 'verify-etcd'];

type Hooks = PhaseHooks<BringUpStep>;

/**
 * Preflight, whose step stays running while the joining hosts' checks go on beside init; the
 * promise ends with their problems once all are judged (the step then succeeds or fails).
 */
async function startPreflight(phase: PlannedBringUpPhase, ctx: BringUpContext, hooks: Hooks): Promise<{ judged: Promise<HostProblem[]> }> {
  hooks.started(phase.description);
  try {
    await phase.run(ctx);
  } catch (err) {
    hooks.failed(phase.description, err);
    throw err;
  }
  const late = ctx.latePreflight;
  if (!late) {
    hooks.succeeded(phase.description);
    return { judged: Promise.resolve([]) };
  }
  const judged = late.then((problems) => {
    if (problems.length > 0) hooks.failed(phase.description, latePreflightFailed(problems));
    else hooks.succeeded(phase.description);
    return problems;
  });
  // Awaited later; a cancel in between must not surface as an unhandled rejection.
  judged.catch(() => undefined);
  return { judged };
}

/** Control-plane joins and the etcd check beside the workers' joins; the first failure wins, cancellation first of all. */
async function joinSideBySide(phases: readonly PlannedBringUpPhase[], ctx: BringUpContext, hooks: Hooks): Promise<void> {
  ctx.joinsOverlap = true;
  const controlPlanes = phases.filter((p) => CONTROL_PLANE_BRANCH.includes(p.description.id));
  const workers = phases.filter((p) => !CONTROL_PLANE_BRANCH.includes(p.description.id));
  // Workers first, so the phase shown is the control planes' (the later start) while they join.
  const settled = await Promise.allSettled([runPlanned(workers, ctx, hooks), runPlanned(controlPlanes, ctx, hooks)]);
  settled.reverse();
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  const cancelled = failures.find((f) => isCancellation(f));
  if (cancelled) throw cancelled;
  await ctx.credentials?.stop('joinToken');
  if (failures.length > 0) throw failures[0];
}

/** Waits for a phase run beside others; its error, if it failed. */
async function outcomeOf(run: Promise<void> | undefined): Promise<unknown> {
  return run?.then(() => undefined, (err: unknown) => err ?? new Error('a phase failed without a reason'));
}

/**
 * Runs the bring-up's planned phases on its critical path: preflight of the joining hosts beside
 * init (unless a before-init gate must show every host's result first), each join after its own
 * host's preflight, the CNI beside the joins, and the workers' joins beside the control planes'
 * unless a before-workers gate holds them. Verification stays last, after the CNI and every join.
 * Runs from before the patches keep the strict order.
 */
export async function runBringUp(planned: readonly PlannedBringUpPhase[], ctx: BringUpContext, hooks: Hooks): Promise<void> {
  if (!patched(CRITICAL_PATH_PATCH)) return runPlanned(planned, ctx, hooks);
  ctx.criticalPath = true;
  const has = (id: StepId) => planned.some((p) => p.description.id === id);
  ctx.overlapPreflight = !has('approve-before-init');
  const firstJoin = planned.findIndex((p) => JOIN_STEPS.includes(p.description.id));
  const joinsEnd = planned.findIndex((p, i) => i > firstJoin && !JOIN_STEPS.includes(p.description.id));
  const head = firstJoin < 0 ? planned : planned.slice(0, firstJoin);
  const joins = firstJoin < 0 ? [] : planned.slice(firstJoin, joinsEnd < 0 ? planned.length : joinsEnd);
  const tail = firstJoin < 0 || joinsEnd < 0 ? [] : planned.slice(joinsEnd);

  let preflightProblems: Promise<HostProblem[]> = Promise.resolve([]);
  let cni: Promise<void> | undefined;
  for (const phase of head) {
    if (phase.description.id === 'preflight') {
      preflightProblems = (await startPreflight(phase, ctx, hooks)).judged;
      continue;
    }
    // The certificates are copied only to hosts that passed their preflight.
    if (phase.description.id === 'distribute-certificates') {
      const problems = await preflightProblems;
      if (problems.length > 0) throw latePreflightFailed(problems);
    }
    if (phase.description.id === 'init') {
      // init's activity is scheduled first; the joining hosts' preflight goes out in the same task, at a lower priority.
      const init = runPhase(phase, ctx, hooks);
      ctx.releaseLatePreflight?.();
      await init;
      continue;
    }
    if (phase.description.id === 'cni' && patched(CNI_BESIDE_JOINS_PATCH)) {
      cni = runPhase(phase, ctx, hooks);
      // Awaited after the joins; a failure meanwhile must not surface as an unhandled rejection.
      cni.catch(() => undefined);
      continue;
    }
    await runPhase(phase, ctx, hooks);
  }
  ctx.releaseLatePreflight?.();

  const sideBySide = has('join-control-planes') && has('join-workers') && !has('approve-before-workers');
  let joinsFailed: unknown;
  try {
    await (sideBySide ? joinSideBySide(joins, ctx, hooks) : runPlanned(joins, ctx, hooks));
  } catch (err) {
    joinsFailed = err;
  }
  const cniFailed = await outcomeOf(cni);
  if (joinsFailed !== undefined) {
    // A join refused for its host's preflight problems fails the bring-up as preflight, with its message.
    if (!(joinsFailed instanceof StepFailed)) throw joinsFailed;
    const problems = await preflightProblems;
    throw problems.length > 0 ? latePreflightFailed(problems) : joinsFailed;
  }
  if (cniFailed !== undefined) throw cniFailed;
  const problems = await preflightProblems;
  if (problems.length > 0) throw latePreflightFailed(problems);
  await runPlanned(tail, ctx, hooks);
}
