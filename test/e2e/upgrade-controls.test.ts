/**
 * Issue 10's rollout controls and gate outcomes, at workflow level: the real `upgradeCluster` on
 * the dev server against an in-memory cluster (./upgrade-fakes.ts), 1 control plane + 3 workers
 * at v1.30.2 going to v1.31.1 with maxUnavailable 1.
 * - a skipped minor and a downgrade are refused before any activity is scheduled;
 * - a rejection at before-upgrade-apply ends `rejected` with nothing changed but cp1's kubeadm;
 * - an abort at the gate ends the upgrade there;
 * - pause holds before the next host and resume goes on; abort stops before the next host with
 *   every host reported and none left cordoned; asking again resumes and completes, apply once;
 * - a cancel while a node is drained uncordons it and says so.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { approveUpdate, rejectUpdate } from '../../src/shared/messages';
import {
  abortUpdate,
  pauseUpdate,
  resumeUpdate,
  UPGRADE_WORKFLOW_TYPE,
  upgradeProgressQuery,
  type UpgradeInput,
  type UpgradeProgress,
  type UpgradeResult,
} from '../../src/shared/operations';
import type { ClusterSpec } from '../../src/spec/types';
import { INVALID_UPGRADE } from '../../src/workflows/upgrade/validate';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { uniqueTaskQueue, uniqueWorkflowId } from '../helpers/temporal';
import { fakeSpec } from './workflow-fakes';
import { waitFor, useWorkflowEnvironment } from './workflow-harness';
import { createFakeUpgradeCluster, type FakeUpgradeCluster, type FakeUpgradeOptions } from './upgrade-fakes';

jest.setTimeout(120_000);

const FROM = 'v1.30.2';
const TO = 'v1.31.1';
const GATE = 'before-upgrade-apply' as const;
const TUNING = { retryInitialIntervalMs: 100, nodeReadyTimeoutMs: 10_000, etcdHealthyTimeoutMs: 5_000 };

const wf = useWorkflowEnvironment();

interface Setup {
  spec: ClusterSpec;
  fake: FakeUpgradeCluster;
  start(input?: Partial<UpgradeInput>): Promise<WorkflowHandle>;
  /** Runs `fn` while a worker with the fake activities serves the task queue. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

function setup(options: FakeUpgradeOptions = {}, specPatch: Partial<ClusterSpec> = {}): Setup {
  const spec: ClusterSpec = { ...fakeSpec({ name: uniqueWorkflowId('u').slice(0, 20), controlPlanes: 1, workers: 3 }), ...specPatch };
  const fake = createFakeUpgradeCluster(spec, options);
  const taskQueue = uniqueTaskQueue('upgrade');
  return {
    spec,
    fake,
    start: (input = {}) =>
      wf.env.client.workflow.start(UPGRADE_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: uniqueWorkflowId('kubeha-upgrade'),
        args: [{ spec, to: TO, maxUnavailable: 1, requestedBy: 'requester@jest', tuning: TUNING, ...input } satisfies UpgradeInput],
      }),
    run: async (fn) =>
      (await createKubehaWorker({ connection: wf.env.nativeConnection, namespace: 'default', taskQueue, activities: fake.activities, workflowBundle: wf.bundle, shutdownGraceTimeMs: 1_000 })).runUntil(fn),
  };
}

const progressOf = (handle: WorkflowHandle): Promise<UpgradeProgress> => handle.query(upgradeProgressQuery);

async function untilProgress(handle: WorkflowHandle, what: string, test: (p: UpgradeProgress) => boolean): Promise<UpgradeProgress> {
  return waitFor(async () => {
    const p = await progressOf(handle);
    return test(p) ? p : undefined;
  }, what);
}

const gatePending = (p: UpgradeProgress) => p.pendingApprovals.some((a) => a.gate === GATE);

/** The workflow's own failure (ApplicationFailure or cancellation) behind a failed result. */
async function failureOf(handle: WorkflowHandle): Promise<unknown> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return (err as WorkflowFailedError).cause;
}

/** An update's refusal: the validator's own failure (the client wraps it in WorkflowUpdateFailedError). */
const refusal = (update: Promise<unknown>): Promise<unknown> =>
  update.catch((err: unknown) => {
    throw (err as { cause?: unknown }).cause ?? err;
  });

interface HistoryEvent {
  activityTaskScheduledEventAttributes?: unknown;
}

it('a skipped minor and a downgrade are refused by the workflow before any activity is scheduled', async () => {
  const s = setup();
  await s.run(async () => {
    for (const to of ['v1.32.0', 'v1.29.5']) {
      const handle = await s.start({ to });
      const cause = await failureOf(handle);
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe(INVALID_UPGRADE);
      expect((cause as ApplicationFailure).message).toContain(`upgrade ${FROM} -> ${to} refused before any host was touched`);
      const events = ((await handle.fetchHistory()).events ?? []) as HistoryEvent[];
      expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toEqual([]);
    }
  });
  expect(s.fake.calls).toEqual([]);
});

it('a rejection at before-upgrade-apply ends the upgrade rejected: only cp1 kubeadm changed, nothing drained, no version moved', async () => {
  const s = setup();
  const [result, progress] = await s.run(async () => {
    const handle = await s.start();
    const atGate = await untilProgress(handle, 'the before-upgrade-apply gate', gatePending);
    expect(atGate.plan).toContain(`Target version: ${TO}`);
    await handle.executeUpdate(rejectUpdate, { args: [{ gate: GATE, by: 'reviewer@jest', reason: 'not during the release freeze' }] });
    return [(await handle.result()) as UpgradeResult, await progressOf(handle)] as const;
  });
  expect(result).toEqual({ outcome: 'rejected', gate: GATE, by: 'reviewer@jest', reason: 'not during the release freeze' });
  expect(progress.phase).toBe('rejected');
  expect(progress.hosts.map((h) => [h.host, h.stage, h.cordoned])).toEqual(['cp1', 'w1', 'w2', 'w3'].map((h) => [h, 'pending', false]));
  // What the upgrade guarantees before its gate: read-only facts and plan, and kubeadm installed on cp1.
  expect([...new Set(s.fake.calls.map((c) => c.name))].sort()).toEqual(['installKubeadm', 'kubeadmUpgradePlan', 'upgradeFacts']);
  expect(s.fake.touched()).toEqual(['cp1']);
  expect(Object.fromEntries(s.fake.kubeadm)).toEqual({ cp1: TO, w1: FROM, w2: FROM, w3: FROM });
  expect([...s.fake.apiServer.values(), ...s.fake.kubelet.values()].every((v) => v === FROM)).toBe(true);
  expect(s.fake.cordoned.size).toBe(0);
});

it('an abort while waiting at before-upgrade-apply ends the upgrade aborted there: nothing applied, the gate no longer pending', async () => {
  const s = setup();
  const [result, progress] = await s.run(async () => {
    const handle = await s.start();
    await untilProgress(handle, 'the before-upgrade-apply gate', gatePending);
    await handle.executeUpdate(abortUpdate, { args: [{ by: 'operator@jest', reason: 'wrong target' }] });
    return [(await handle.result()) as UpgradeResult, await progressOf(handle)] as const;
  });
  expect(result).toMatchObject({ outcome: 'aborted', from: FROM, to: TO, stoppedBefore: 'cp1', by: 'operator@jest' });
  expect(progress.phase).toBe('aborted');
  expect(progress.pendingApprovals).toEqual([]);
  expect(progress.steps.find((st) => st.id === 'approve-before-upgrade-apply')?.status).toBe('skipped');
  expect(s.fake.named('kubeadmUpgradeApply')).toEqual([]);
  expect(s.fake.touched()).toEqual(['cp1']);
  expect(s.fake.cordoned.size).toBe(0);
});

it('pause holds before the next host and resume goes on; abort stops before the next host, none cordoned; asking again completes with apply run once', async () => {
  // Each worker's drain takes a while, so the controls land while a host is in flight.
  const s = setup({ delays: { drainNode: 500 } });
  await s.run(async () => {
    const handle = await s.start();
    await untilProgress(handle, 'the before-upgrade-apply gate', gatePending);
    await handle.executeUpdate(approveUpdate, { args: [{ gate: GATE, by: 'approver@jest' }] });

    // Pause while w1 is in flight: w1 finishes its own sequence, w2 does not start.
    await waitFor(async () => (s.fake.named('drainNode', 'w1').length ? true : undefined), 'w1 draining');
    expect(await handle.executeUpdate(pauseUpdate, { args: [{ by: 'operator@jest', reason: 'watch w1' }] })).toContain('holds before the next host');
    const paused = await untilProgress(handle, 'the rollout to hold', (p) => p.phase === 'paused');
    expect(paused.paused).toMatchObject({ by: 'operator@jest', reason: 'watch w1' });
    await new Promise((r) => setTimeout(r, 1_500));
    const held = await progressOf(handle);
    expect(held.phase).toBe('paused');
    expect(held.hosts.map((h) => [h.host, h.stage, h.cordoned])).toEqual([
      ['cp1', 'upgraded', false],
      ['w1', 'upgraded', false],
      ['w2', 'pending', false],
      ['w3', 'pending', false],
    ]);
    expect(s.fake.touched()).toEqual(['cp1', 'w1']);
    await expect(handle.executeUpdate(resumeUpdate, { args: [{ by: 'someone@jest' }] })).resolves.toContain('resumed');
    await expect(refusal(handle.executeUpdate(resumeUpdate, { args: [{ by: 'someone@jest' }] }))).rejects.toThrow(/not paused/);

    // Abort while w2 is in flight: w2 finishes, w3 is never started.
    await waitFor(async () => (s.fake.named('drainNode', 'w2').length ? true : undefined), 'w2 draining');
    expect(await handle.executeUpdate(abortUpdate, { args: [{ by: 'operator@jest', reason: 'enough for today' }] })).toContain('stops before the next host');
    const result = (await handle.result()) as UpgradeResult;
    expect(result).toMatchObject({ outcome: 'aborted', from: FROM, to: TO, stoppedBefore: 'w3', by: 'operator@jest' });
    if (result.outcome !== 'aborted') return;
    expect(result.nodes.map((n) => [n.host, n.kubelet])).toEqual([
      ['cp1', TO],
      ['w1', TO],
      ['w2', TO],
      ['w3', FROM],
    ]);
    const ended = await progressOf(handle);
    expect(ended.phase).toBe('aborted');
    expect(ended.hosts.map((h) => [h.host, h.stage, h.cordoned])).toEqual([
      ['cp1', 'upgraded', false],
      ['w1', 'upgraded', false],
      ['w2', 'upgraded', false],
      ['w3', 'pending', false],
    ]);
    expect(s.fake.cordoned.size).toBe(0);
    expect(s.fake.touched()).toEqual(['cp1', 'w1', 'w2']);
    await expect(refusal(handle.executeUpdate(pauseUpdate, { args: [{ by: 'late@jest' }] }))).rejects.toThrow(/already completed/);

    // Asked again (the same recorded spec, still at FROM): no gate (apply is done), only w3 upgraded.
    const again = await s.start();
    const second = (await again.result()) as UpgradeResult;
    expect(second).toMatchObject({ outcome: 'succeeded', from: FROM, to: TO });
    const progress = await progressOf(again);
    expect(progress.steps.find((st) => st.id === 'approve-before-upgrade-apply')?.status).toBe('skipped');
    expect(progress.approvals).toEqual([]);
  });
  expect(Object.fromEntries(s.fake.kubelet)).toEqual({ cp1: TO, w1: TO, w2: TO, w3: TO });
  expect(s.fake.named('kubeadmUpgradeApply')).toHaveLength(1);
  for (const host of ['w1', 'w2', 'w3']) expect({ host, node: s.fake.named('kubeadmUpgradeNode', host).length, drains: s.fake.named('drainNode', host).length }).toEqual({ host, node: 1, drains: 1 });
  expect(s.fake.cordoned.size).toBe(0);
});

it('a cancel while a worker is drained uncordons it and reports that, and the upgrade ends cancelled', async () => {
  const s = setup({ delays: { upgradeKubelet: { w1: 30_000 } } });
  const [cause, progress] = await s.run(async () => {
    const handle = await s.start();
    await untilProgress(handle, 'the before-upgrade-apply gate', gatePending);
    await handle.executeUpdate(approveUpdate, { args: [{ gate: GATE, by: 'approver@jest' }] });
    await waitFor(async () => (s.fake.cordoned.has('w1') && s.fake.named('upgradeKubelet', 'w1').length ? true : undefined), 'w1 drained, its kubelet upgrading');
    await handle.cancel();
    return [await failureOf(handle), await progressOf(handle)] as const;
  });
  expect(cause).toBeInstanceOf(CancelledFailure);
  expect(s.fake.cordoned.size).toBe(0);
  expect(s.fake.named('uncordonNode', 'w1').length).toBeGreaterThanOrEqual(1);
  const w1 = progress.hosts.find((h) => h.host === 'w1');
  expect(w1).toMatchObject({ cordoned: false, stage: 'failed' });
  expect(w1?.lastError).toMatch(/cancelled.*uncordoned/);
  expect(progress.phase).toBe('failed');
  expect(progress.failure?.message).toMatch(/^cancelled/);
  expect(progress.failure?.message).toContain('w1');
  expect(progress.hosts.filter((h) => h.host !== 'w1').map((h) => h.cordoned)).toEqual([false, false, false]);
});
