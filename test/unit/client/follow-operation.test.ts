import { PassThrough } from 'node:stream';
import { followOperation } from '../../../src/client/follow-operation';
import type { KubehaClient } from '../../../src/client/kubeha-client';
import type { OperationProgressLike } from '../../../src/client/live/live-view';
import type { OperationRecord } from '../../../src/shared/operations';

const base: OperationRecord = { id: 'op-2', kind: 'upgrade', summary: 'upgrade v1.30.2 -> v1.31.0', requestedBy: 'ann', requestedAt: '2026-01-01T00:00:00.000Z', workflowId: 'wf-2', state: 'queued' };

/** The cluster's answers, one look after another (the last one repeats). */
function scripted(looks: Array<{ op: OperationRecord; progress?: OperationProgressLike }>): KubehaClient {
  let i = -1;
  const now = () => looks[Math.min(i, looks.length - 1)]!;
  return {
    operation: async () => {
      i += 1;
      return now().op;
    },
    operationProgress: async () => now().progress,
  } as unknown as KubehaClient;
}

const step = (status: string, hosts: Array<[string, string]>) => ({ id: 'upgrade-workers', title: 'Upgrade the workers', status, hosts: hosts.map(([host, s]) => ({ host, status: s, attempts: 1 })) }) as NonNullable<OperationProgressLike['steps']>[number];

const looks = [
  { op: base },
  { op: { ...base, state: 'running' as const, runId: 'r' }, progress: { phase: 'upgrade-workers', steps: [step('running', [['w1', 'running'], ['w2', 'pending']])], pendingApprovals: [] } },
  {
    op: { ...base, state: 'running' as const, runId: 'r' },
    progress: { phase: 'upgrade-workers', steps: [step('waiting', [['w1', 'succeeded'], ['w2', 'pending']])], pendingApprovals: [{ gate: 'before-upgrade-apply', since: '2026-01-01T00:00:01.000Z' }], plan: 'COMPONENT  NODE  CURRENT  TARGET' },
  },
  { op: { ...base, state: 'ended' as const, runId: 'r', outcome: 'succeeded' as const, endedAt: '2026-01-01T00:01:00.000Z' }, progress: { phase: 'done', steps: [step('succeeded', [['w1', 'succeeded'], ['w2', 'succeeded']])], pendingApprovals: [] } },
];

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

it('piped: a line per operation state, step and host change, the plan and the approve command once', async () => {
  const out = new PassThrough();
  const text = collect(out);
  await followOperation(scripted(looks), 'c1', 'op-2', { out, intervalMs: 0 });
  expect(text().split('\n')).toEqual([
    'op-2    queued     upgrade v1.30.2 -> v1.31.0  by ann at 2026-01-01T00:00:00.000Z',
    'op-2    running    upgrade v1.30.2 -> v1.31.0  by ann at 2026-01-01T00:00:00.000Z',
    'upgrade-workers: running',
    '  upgrade-workers w1: running',
    'upgrade-workers: waiting',
    '  upgrade-workers w1: succeeded',
    '  | COMPONENT  NODE  CURRENT  TARGET',
    'waiting for approval at before-upgrade-apply: kubeha approve c1 before-upgrade-apply (or kubeha reject c1 before-upgrade-apply --reason ...)',
    'upgrade-workers: succeeded',
    '  upgrade-workers w2: succeeded',
    'op-2    succeeded  upgrade v1.30.2 -> v1.31.0  by ann at 2026-01-01T00:01:00.000Z',
    '',
  ]);
});

it('on a terminal: the live view, the plan above it, the outcome below the last frame', async () => {
  const out = Object.assign(new PassThrough(), { isTTY: true, rows: 24, columns: 100 });
  const text = collect(out);
  await followOperation(scripted(looks), 'c1', 'op-2', { out, intervalMs: 0 });
  const screen = text();
  expect(screen).toContain('upgrade op-2 of c1: queued');
  expect(screen).toContain('  | COMPONENT  NODE  CURRENT  TARGET');
  expect(screen).toContain('  approve: kubeha approve c1 before-upgrade-apply [--comment "..."]');
  expect(screen).toMatch(/upgrade op-2 of c1: succeeded[^]*w2 +upgrade-workers +succeeded[^]*\nop-2 {4}succeeded {2}upgrade v1\.30\.2 -> v1\.31\.0 {2}by ann at 2026-01-01T00:01:00\.000Z\n$/);
  expect(screen).not.toContain('upgrade-workers w1: running');
});
