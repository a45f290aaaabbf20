import type { HostSpec } from '../../../src/spec/types';
import { ApprovalGates } from '../../../src/workflows/bring-up/approvals';
import { ProgressTracker } from '../../../src/workflows/bring-up/progress';

const hosts: HostSpec[] = [];

function gates(): { gates: ApprovalGates; progress: ProgressTracker } {
  const progress = new ProgressTracker('c1', hosts, undefined, () => '2026-01-01T00:00:00.000Z');
  return { gates: new ApprovalGates(progress, () => '2026-01-01T00:00:00.000Z'), progress };
}

it('answers a repeated approval by the same person with the decision already made', () => {
  const { gates: g, progress } = gates();
  progress.pendingApprovals.push({ gate: 'before-init', since: 'now' });
  g.validate('approved', { gate: 'before-init', by: 'alice' });
  const first = g.approve({ gate: 'before-init', by: 'alice', comment: 'go' });
  expect(progress.pendingApprovals).toEqual([]);
  expect(() => g.validate('approved', { gate: 'before-init', by: 'alice' })).not.toThrow();
  expect(g.approve({ gate: 'before-init', by: 'alice', comment: 'again' })).toBe(first);
  expect(progress.approvals).toEqual([first]);
});

it('refuses a decision on a gate someone else decided, or that is not pending, saying why', () => {
  const { gates: g, progress } = gates();
  expect(() => g.validate('approved', { gate: 'before-workers', by: 'alice' })).toThrow('gate before-workers is not pending (nothing is waiting for approval now)');
  progress.pendingApprovals.push({ gate: 'before-init', since: 'now' });
  expect(() => g.validate('approved', { gate: 'before-workers', by: 'alice' })).toThrow('gate before-workers is not pending (pending: before-init)');
  g.approve({ gate: 'before-init', by: 'alice' });
  expect(() => g.validate('approved', { gate: 'before-init', by: 'bob' })).toThrow('gate before-init is not pending (already approved by alice at 2026-01-01T00:00:00.000Z)');
  expect(() => g.validate('rejected', { gate: 'before-init', by: 'alice', reason: 'changed my mind' })).toThrow(/already approved by alice/);
  expect(() => g.validate('rejected', { gate: 'before-init', by: 'alice' })).toThrow('a rejection needs a reason');
  expect(() => g.validate('approved', { gate: 'nope', by: 'alice' })).toThrow('unknown gate "nope"');
});
