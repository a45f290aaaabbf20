/**
 * Issue 11's certificate renewal at workflow level: the real `manageCertificates` on the dev
 * server against in-memory control planes (seconds, no lab).
 * - only control planes with a certificate within the threshold are renewed, one at a time, each
 *   restarted and verified before the next starts; the others are skipped;
 * - a control plane whose API server keeps serving the old certificate after the restart fails the
 *   renewal naming it and why, and the next control plane is not touched.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { CertificateActivities, CertificateFacts } from '../../src/activities/certificate-types';
import { CERTIFICATES_WORKFLOW_TYPE, certificatesProgressQuery, type CertificatesInput, type CertificatesProgress, type CertificatesResult } from '../../src/shared/operations';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { CERTIFICATES_FAILED } from '../../src/workflows/manage-certificates';
import { uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { fakeSpec } from './workflow-fakes';
import { useWorkflowEnvironment } from './workflow-harness';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const NAMES = ['admin.conf', 'apiserver', 'etcd-server'];

const wf = useWorkflowEnvironment();

/** In-memory control planes: each has an expiry on disk and what its API server serves. */
function fakeControlPlanes(expiresInDays: Record<string, number>, options: { stuck?: string } = {}) {
  const state = new Map(Object.entries(expiresInDays).map(([host, days]) => {
    const at = new Date(Date.now() + days * DAY).toISOString().replace(/\.\d+Z$/, '.000Z');
    return [host, { disk: at, served: at }];
  }));
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const facts = (host: string): CertificateFacts => {
    const s = state.get(host) as { disk: string; served: string };
    return {
      host,
      certificates: NAMES.map((name) => ({ name, expires: s.disk, residual: '', authority: 'ca', externallyManaged: false })),
      authorities: [{ name: 'ca', expires: new Date(Date.now() + 3650 * DAY).toISOString(), residual: '9y', externallyManaged: false }],
      kubeletClientExpires: new Date(Date.now() + 300 * DAY).toISOString(),
      kubeletRotateCertificates: true,
      servingNotAfter: s.served,
      apiserverCrtNotAfter: s.disk,
      ready: true,
    };
  };
  const activities: CertificateActivities = {
    certificateFacts: async ({ host }) => facts(host.name),
    renewCertificates: async ({ host }) => {
      calls.push(`renew ${host.name}`);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      (state.get(host.name) as { disk: string }).disk = new Date(Date.now() + 365 * DAY).toISOString().replace(/\.\d+Z$/, '.000Z');
      return { renewed: true, output: '' };
    },
    restartControlPlanePods: async ({ host }) => {
      calls.push(`restart ${host.name}`);
      const s = state.get(host.name) as { disk: string; served: string };
      if (options.stuck !== host.name) s.served = s.disk;
      inFlight -= 1;
      return { changed: true };
    },
  };
  return { activities, calls, maxInFlight: () => maxInFlight };
}

async function run(expiresInDays: Record<string, number>, options: { stuck?: string } = {}) {
  const spec = fakeSpec({ name: uniqueWorkflowId('c').slice(0, 20), controlPlanes: 3, workers: 1 });
  const fake = fakeControlPlanes(expiresInDays, options);
  const taskQueue = uniqueTaskQueue('certs');
  const worker = await createKubehaWorker({ connection: wf.env.nativeConnection, namespace: 'default', taskQueue, activities: fake.activities, workflowBundle: wf.bundle, shutdownGraceTimeMs: 1_000 });
  return worker.runUntil(async () => {
    const handle = await wf.env.client.workflow.start(CERTIFICATES_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: uniqueWorkflowId('kubeha-certificates'),
      args: [{ spec, action: 'renew', renewWithinDays: 30, requestedBy: 'jest', tuning: { retryInitialIntervalMs: 100, restartTimeoutMs: 3_000 } } satisfies CertificatesInput],
    });
    const outcome = await handle.result().then((r: CertificatesResult) => r, (e: unknown) => e);
    const progress: CertificatesProgress = await handle.query(certificatesProgressQuery);
    return { outcome, progress, fake };
  });
}

it('renews only the control planes within the threshold, one at a time, each restarted before the next', async () => {
  const { outcome, progress, fake } = await run({ cp1: 10, cp2: 200, cp3: 5 });
  const result = outcome as CertificatesResult;
  expect(result.renewed).toEqual(['cp1', 'cp3']);
  expect(fake.calls).toEqual(['renew cp1', 'restart cp1', 'renew cp3', 'restart cp3']);
  expect(fake.maxInFlight()).toBe(1);
  expect(progress.steps.find((s) => s.id === 'renew-control-planes')?.hosts.map((h) => [h.host, h.status])).toEqual([['cp1', 'succeeded'], ['cp2', 'skipped'], ['cp3', 'succeeded']]);
  expect(Date.parse(result.earliestExpiry ?? '') - Date.now()).toBeGreaterThan(190 * DAY);
  expect(progress.phase).toBe('done');
});

it('fails naming the control plane whose API server still serves the old certificate, and touches no other', async () => {
  const { outcome, progress, fake } = await run({ cp1: 10, cp2: 10, cp3: 10 }, { stuck: 'cp1' });
  expect(outcome).toBeInstanceOf(WorkflowFailedError);
  const cause = (outcome as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(CERTIFICATES_FAILED);
  expect((cause as ApplicationFailure).message).toMatch(/^renew-control-planes on cp1: kube-apiserver serves a certificate valid until .*apiserver.crt is valid until/);
  expect(fake.calls).toEqual(['renew cp1', 'restart cp1']);
  expect(progress.failure?.host).toBe('cp1');
  expect(progress.steps.find((s) => s.id === 'renew-control-planes')?.hosts.map((h) => h.status)).toEqual(['failed', 'pending', 'pending']);
});
