import { PassThrough } from 'node:stream';
import { followBringUp } from '../../../src/client/follow';
import type { KubehaClient } from '../../../src/client/kubeha-client';
import type { OperationRecord } from '../../../src/shared/operations';
import type { BringUpProgress, BringUpResult } from '../../../src/shared/messages';

const op: OperationRecord = { id: 'op-1', kind: 'bring-up', summary: 'bring-up', requestedBy: 'ann', requestedAt: '2026-01-01T00:00:00.000Z', workflowId: 'wf-1', state: 'running', runId: 'r' };
const progress = (phase: BringUpProgress['phase']): BringUpProgress => ({ cluster: 'c1', phase, steps: [], hosts: [], pendingApprovals: [], approvals: [], renewals: { certificateKey: 0, joinToken: 0 } });
const result: BringUpResult = {
  outcome: 'succeeded',
  report: { cluster: 'c1', kubernetesVersion: 'v1.31.2', startedAt: '', endedAt: '', hosts: [], etcdMembers: [], timings: [], failedWorkers: [], renewals: { certificateKey: 0, joinToken: 0 }, approvals: [] },
};

/**
 * A bring-up seen running `runningLooks` times, then ended; records what the follower asked, in
 * order. `closed`: when its workflow's close is seen (by default never). `finalProgress`: its
 * answer to the finalProgress update (by default refused, as a bring-up of 0.8.0 refuses it).
 */
function scripted(
  runningLooks: number,
  closed: Promise<boolean> = new Promise(() => undefined),
  finalProgress: Promise<BringUpProgress> = Promise.reject(new Error('no update handler finalProgress')),
): { client: KubehaClient; calls: string[] } {
  finalProgress.catch(() => undefined);
  const calls: string[] = [];
  let looks = 0;
  const ended = () => looks > runningLooks;
  const client = {
    taskQueue: 'kubeha',
    hasWorkers: async () => true,
    closed: () => closed,
    finalProgress: () => finalProgress,
    operation: async () => {
      looks += 1;
      calls.push(ended() ? 'operation:ended' : 'operation:running');
      return ended() ? { ...op, state: 'ended', outcome: 'succeeded' } : op;
    },
    progress: async () => {
      calls.push('progress');
      return progress(ended() ? 'done' : 'join-workers');
    },
    result: async () => {
      calls.push('result');
      return result;
    },
  } as unknown as KubehaClient;
  return { client, calls };
}

it('reads whether the bring-up ended before each progress read, so an ended one is queried once (each query of a closed workflow replays it)', async () => {
  const { client, calls } = scripted(2);
  const out = new PassThrough();
  out.resume();
  await expect(followBringUp(client, 'c1', { out, operationId: 'op-1', intervalMs: 0 })).resolves.toEqual(result);
  // A pause sits between a progress read and the next end check, never between an end check and
  // the progress read after it: a bring-up that ends during a pause is queried once, not twice.
  expect(calls).toEqual(['operation:running', 'progress', 'operation:running', 'progress', 'operation:ended', 'progress', 'result']);
});

it('stops pausing when the bring-up closes, and waits for the record to say so without reading the progress of the closed workflow', async () => {
  let close!: (yes: boolean) => void;
  const { client, calls } = scripted(2, new Promise<boolean>((resolve) => (close = resolve)));
  const out = new PassThrough();
  out.resume();
  const following = followBringUp(client, 'c1', { out, operationId: 'op-1', intervalMs: 600_000 });
  await new Promise((resolve) => setImmediate(resolve));
  close(true);
  // Within the test's timeout only if the ten-minute pause was cut short.
  await expect(following).resolves.toEqual(result);
  // The first look after the close still finds the operation running (the cluster's record lags a
  // workflow task): it is looked at again, and the progress is read once, after it ended.
  expect(calls).toEqual(['operation:running', 'progress', 'operation:running', 'operation:ended', 'operation:ended', 'progress', 'result']);
});

it('pauses the whole interval when the close cannot be read', async () => {
  const { client, calls } = scripted(1, Promise.resolve(false));
  const out = new PassThrough();
  out.resume();
  const started = Date.now();
  await expect(followBringUp(client, 'c1', { out, operationId: 'op-1', intervalMs: 300 })).resolves.toEqual(result);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(calls).toEqual(['operation:running', 'progress', 'operation:ended', 'progress', 'result']);
});

it('shows the progress the bring-up answered as it ended, and never queries the closed workflow', async () => {
  let answer!: (p: BringUpProgress) => void;
  const { client, calls } = scripted(1, new Promise(() => undefined), new Promise<BringUpProgress>((resolve) => (answer = resolve)));
  let printed = '';
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const following = followBringUp(client, 'c1', { out, operationId: 'op-1', intervalMs: 600_000 });
  await new Promise((resolve) => setImmediate(resolve));
  answer({ ...progress('done'), failure: { step: 'verify-cluster', message: 'only in the answer' } });
  // Within the test's timeout only if the answer cut the ten-minute pause short.
  await expect(following).resolves.toEqual(result);
  expect(calls).toEqual(['operation:running', 'progress', 'operation:ended', 'operation:ended', 'result']);
  expect(printed).toMatch(/only in the answer/);
});
