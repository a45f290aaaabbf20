import type { HostSpec } from '../../../src/spec/types';
import { ProgressTracker } from '../../../src/workflows/bring-up/progress';
import { progressChanges, statusJson } from '../../../src/client/render-progress';

const ssh = { user: 'root', port: 22, privateKey: 'k', knownHosts: 'kh', acceptNewHostKeys: false, sudo: false, connectTimeoutMs: 1 };
const hosts: HostSpec[] = [
  { name: 'cp1', address: '10.0.0.1', role: 'control-plane', ssh },
  { name: 'w1', address: '10.0.0.2', role: 'worker', ssh },
];

function tracker(): ProgressTracker {
  let t = 0;
  const p = new ProgressTracker('c1', hosts, 'me@here', () => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)).toISOString());
  p.declareStep('preflight', 'Preflight checks');
  p.declareStep('join-workers', 'Join the workers');
  return p;
}

it('summarizes each host by its latest step, a failure winning', () => {
  const p = tracker();
  p.startStep('preflight');
  p.hostStarted('preflight', 'cp1');
  p.hostEnded('preflight', 'cp1', 'succeeded');
  p.hostStarted('preflight', 'w1');
  p.hostEnded('preflight', 'w1', 'succeeded');
  p.startStep('join-workers');
  p.hostStarted('join-workers', 'w1');
  p.hostEnded('join-workers', 'w1', 'failed', 5, 'connection refused');
  expect(p.hostSummaries()).toEqual([
    { name: 'cp1', role: 'control-plane', state: 'succeeded', step: 'preflight' },
    { name: 'w1', role: 'worker', state: 'failed', step: 'join-workers' },
  ]);
  expect(p.step('join-workers').hosts[0]).toMatchObject({ attempts: 5, lastError: 'connection refused', startedAt: '2026-01-01T00:00:06.000Z' });
  expect(statusJson(p.snapshot(), 'RUNNING')).toMatchObject({ phase: 'join-workers', hosts: [{ name: 'cp1', role: 'control-plane', state: 'succeeded' }, { name: 'w1', role: 'worker', state: 'failed' }] });
});

it('prints only what changed between two snapshots, with the approval commands for a new gate', () => {
  const p = tracker();
  p.startStep('preflight');
  p.hostStarted('preflight', 'cp1');
  const first = structuredClone(p.snapshot());
  expect(progressChanges(undefined, first)).toEqual(['Preflight checks: running', '  cp1: preflight running']);
  p.hostEnded('preflight', 'cp1', 'succeeded');
  p.pendingApprovals.push({ gate: 'before-init', since: 'now' });
  expect(progressChanges(first, structuredClone(p.snapshot()))).toEqual([
    '  cp1: preflight succeeded',
    'waiting for approval of gate before-init:',
    '  approve: kubeha approve c1 before-init [--comment "..."]',
    '  reject:  kubeha reject c1 before-init --reason "..."',
  ]);
});

it('with steps side by side, the latest started step still going is the one to show', () => {
  const p = tracker();
  expect(p.latestActiveStep()).toBeUndefined();
  p.startStep('preflight');
  p.startStep('join-workers');
  expect(p.latestActiveStep()).toBe('join-workers');
  p.setStepStatus('join-workers', 'succeeded');
  expect(p.latestActiveStep()).toBe('preflight');
  p.setStepStatus('preflight', 'waiting');
  expect(p.latestActiveStep()).toBe('preflight');
  p.setStepStatus('preflight', 'failed');
  expect(p.latestActiveStep()).toBeUndefined();
});
