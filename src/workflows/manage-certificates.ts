import { allHandlersFinished, ApplicationFailure, condition, isCancellation, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { certificateWarnings, earliestExpiry } from '../certificates/expiration';
import { runPlanned } from '../plan/operation';
import { certificatesProgressQuery, type CertificatesInput, type CertificatesResult, type CertificatesStepId } from '../shared/operations';
import { KubehaCluster, KubehaPhase } from '../shared/search-attributes';
import { describeFailure } from './bring-up/failures';
import { settingsOf } from './bring-up/hosts';
import { certificateActivities } from './certificates/activities';
import { CertificatesStepFailed, type CertificatesContext } from './certificates/context';
import { planCertificates } from './certificates/plan';
import { CertificatesProgressTracker } from './certificates/progress';
import { resolveCertificatesTuning } from './certificates/tuning';
import { assertValidCertificates } from './certificates/validate';

/** Failure type of a certificate operation that stopped on an error; details carry `{ step, host?, message }`. */
export const CERTIFICATES_FAILED = 'CertificatesFailed';

const now = (): string => new Date().toISOString();

/**
 * `kubeadm certs check-expiration` on every control plane and, for `renew`, kubeadm's renewal one
 * control plane at a time (renew all, static Pods restarted, the new certificate served), started
 * as a child of the cluster workflow. Asking again resumes: a renewed host is found renewed.
 */
export async function manageCertificates(input: CertificatesInput): Promise<CertificatesResult> {
  assertValidCertificates(input);
  const { spec, action, renewWithinDays, requestedBy } = input;
  const tuning = resolveCertificatesTuning(input.tuning);
  const progress = new CertificatesProgressTracker({ cluster: spec.name, action, renewWithinDays, requestedBy }, now);
  const refresh = (): void => {
    upsertSearchAttributes([{ key: KubehaPhase, value: `certificates:${progress.phase}` }]);
    setCurrentDetails(progress.markdown(Date.now()));
  };
  const planned = planCertificates({ spec, action, renewWithinDays });
  for (const { description: step } of planned) progress.declareStep(step.id, step.title, step.hosts.map((h) => h.name));
  setHandler(certificatesProgressQuery, () => progress.snapshot());
  upsertSearchAttributes([{ key: KubehaCluster, value: spec.name }]);

  const ctx: CertificatesContext = { spec, action, renewWithinDays, settings: settingsOf(spec), tuning, acts: certificateActivities(tuning), progress };
  try {
    await runPlanned(planned, ctx, {
      started: (step) => {
        progress.startStep(step.id);
        refresh();
      },
      succeeded: (step) => {
        progress.endStep(step.id, 'succeeded');
        refresh();
      },
      failed: (step) => progress.endStep(step.id, 'failed'),
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    const current = (progress.phase === 'starting' || progress.phase === 'done' || progress.phase === 'failed' ? 'check-expiration' : progress.phase) as CertificatesStepId;
    progress.failure = err instanceof CertificatesStepFailed ? { step: err.step, ...(err.host ? { host: err.host } : {}), message: err.detail } : { step: current, message: describeFailure(err) };
    progress.phase = 'failed';
    refresh();
    await condition(allHandlersFinished);
    const f = progress.failure;
    throw ApplicationFailure.create({ type: CERTIFICATES_FAILED, message: `${f.step}${f.host ? ` on ${f.host}` : ''}: ${f.message}`, nonRetryable: true, details: [f] });
  }
  progress.phase = 'done';
  refresh();
  await condition(allHandlersFinished);
  const hosts = progress.snapshot().hosts;
  const earliest = earliestExpiry(hosts);
  return {
    action,
    renewWithinDays,
    hosts,
    ...(earliest ? { earliestExpiry: earliest } : {}),
    renewed: hosts.filter((h) => h.renewed).map((h) => h.host),
    warnings: certificateWarnings(hosts, Date.now(), renewWithinDays),
  };
}
