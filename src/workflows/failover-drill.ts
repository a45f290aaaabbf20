import { allHandlersFinished, ApplicationFailure, condition, isCancellation, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { runPlanned } from '../plan/operation';
import { DRILL_FAILED, drillProgressQuery, type DrillFailure, type DrillInput, type DrillResult, type DrillStepId } from '../shared/operations';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import { controlPlanes } from '../spec/hosts';
import { describeFailure } from './bring-up/failures';
import { settingsOf } from './bring-up/hosts';
import { drillActivities } from './drill/activities';
import type { DrillContext } from './drill/context';
import { DrillStepFailed } from './drill/failures';
import { drillManifests, probeWindowMs } from './drill/judge';
import { planDrill } from './drill/plan';
import { DrillProgressTracker } from './drill/progress';
import { resolveDrillTuning } from './drill/tuning';
import { assertValidDrill } from './drill/validate';

const now = (): string => new Date().toISOString();

/**
 * The seeds' HA check as an operation: each control plane's API server (and stacked etcd member)
 * stopped in turn while the endpoint's `/readyz` is probed and etcd is asked through a survivor,
 * then restored and waited for. A failed verdict returns `outcome: 'failed'` with the table; a
 * cluster that is not whole or a host that does not come back fails the workflow (DrillFailed).
 */
export async function failoverDrill(input: DrillInput): Promise<DrillResult> {
  assertValidDrill(input);
  const { spec, maxOutageMs, requestedBy } = input;
  const tuning = resolveDrillTuning(input.tuning);
  const stopped = drillManifests(spec).map((m) => m.replace(/\.yaml$/, ''));
  const progress = new DrillProgressTracker({ cluster: spec.name, maxOutageMs, requestedBy }, controlPlanes(spec).map((h) => h.name), stopped, now);
  const refresh = (): void => {
    upsertSearchAttributes([{ key: KubehaPhase, value: `drill:${progress.phase}` }]);
    setCurrentDetails(progress.markdown());
  };
  const windowMs = probeWindowMs(maxOutageMs, tuning.probeSlackMs);
  const planned = planDrill({ spec, maxOutageMs });
  for (const { description: step } of planned) progress.declareStep(step.id, step.title, step.hosts.map((h) => h.name));
  setHandler(drillProgressQuery, () => progress.snapshot());

  const ctx: DrillContext = { spec, settings: settingsOf(spec), maxOutageMs, windowMs, tuning, acts: drillActivities(tuning, windowMs), progress, refresh };
  upsertSearchAttributes([{ key: KubehaCluster, value: spec.name }]);
  const end = async (phase: typeof progress.phase): Promise<void> => {
    progress.phase = phase;
    refresh();
    await condition(allHandlersFinished);
  };
  try {
    await runPlanned(planned, ctx, {
      started(step) {
        progress.startStep(step.id);
        refresh();
      },
      succeeded: (step) => progress.setStepStatus(step.id, step.id === 'drill-control-planes' && ctx.verdictFailure ? 'failed' : 'succeeded'),
      failed: (step) => progress.setStepStatus(step.id, 'failed'),
    });
  } catch (err) {
    if (isCancellation(err)) {
      progress.failure = { step: currentStep(progress), message: 'cancelled (the control plane being drilled was restored first)', rows: progress.rows };
      progress.phase = 'failed';
      refresh();
      throw err;
    }
    const failure: DrillFailure =
      err instanceof DrillStepFailed
        ? { step: err.step, ...(err.host ? { host: err.host } : {}), message: err.detail, rows: progress.rows }
        : { step: currentStep(progress), message: describeFailure(err), rows: progress.rows };
    progress.failure = failure;
    await end('failed');
    throw ApplicationFailure.create({ type: DRILL_FAILED, message: `${failure.step}${failure.host ? ` on ${failure.host}` : ''}: ${failure.message}`, nonRetryable: true, details: [failure] });
  }
  if (ctx.verdictFailure) {
    const message = `${ctx.verdictFailure.host}: ${ctx.verdictFailure.message}`;
    progress.failure = { step: 'drill-control-planes', host: ctx.verdictFailure.host, message: ctx.verdictFailure.message, rows: progress.rows };
    await end('failed');
    return { outcome: 'failed', maxOutageMs, rows: progress.rows, message };
  }
  await end('done');
  return { outcome: 'passed', maxOutageMs, rows: progress.rows };
}

function currentStep(progress: DrillProgressTracker): DrillStepId {
  const started = progress.steps.filter((s) => s.status !== 'pending' && s.status !== 'skipped');
  return started[started.length - 1]?.id ?? 'check-cluster';
}
