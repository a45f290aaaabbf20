import type { BringUpProgress, HostProgress, StepProgress } from '../../../src/shared/messages';
import type { OperationRecord } from '../../../src/shared/operations';
import { formatElapsed, renderFrame } from '../../../src/client/live/frame';
import { bringUpView, operationView } from '../../../src/client/live/live-view';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const NOW = T0 + 300_000;

function names(controlPlanes: number, workers: number) {
  return {
    cps: Array.from({ length: controlPlanes }, (_, i) => `cp${i + 1}`),
    ws: Array.from({ length: workers }, (_, i) => `w${i + 1}`),
  };
}

function done(host: string, start: number, end: number, attempts = 1): HostProgress {
  return { host, status: 'succeeded', attempts, startedAt: at(start), endedAt: at(end) };
}

/** A bring-up in its worker joins: every earlier step done, workers joining, failing, pending; before-workers waiting or not. */
function joiningWorkers(controlPlanes: number, workers: number, opts: { gate?: boolean } = {}): BringUpProgress {
  const { cps, ws } = names(controlPlanes, workers);
  const all = [...cps, ...ws];
  const step = (id: StepProgress['id'], title: string, status: StepProgress['status'], hosts: HostProgress[], start?: number, end?: number): StepProgress => ({
    id,
    title,
    status,
    hosts,
    ...(start !== undefined ? { startedAt: at(start) } : {}),
    ...(end !== undefined ? { endedAt: at(end) } : {}),
  });
  const workerHosts: HostProgress[] = ws.map((host, i) => {
    if (i < workers * 0.6) return done(host, 100 + i, 150 + i);
    if (i === Math.floor(workers * 0.6)) return { host, status: 'failed', attempts: 5, startedAt: at(120), endedAt: at(200), lastError: 'kubeadm join: connection refused' };
    if (i === Math.floor(workers * 0.6) + 1) return { host, status: 'running', attempts: 3, startedAt: at(130), lastError: 'kubelet did not start in time' };
    if (i < workers * 0.9) return { host, status: 'running', attempts: 1, startedAt: at(140 + i) };
    return { host, status: 'pending', attempts: 0 };
  });
  return {
    cluster: 'big',
    phase: 'join-workers',
    steps: [
      step('preflight', 'Preflight checks', 'succeeded', all.map((h) => done(h, 0, 10)), 0, 10),
      step('init', 'kubeadm init on cp1 (uploads certificates, mints a join token)', 'succeeded', [done('cp1', 10, 70)], 10, 70),
      step('join-control-planes', `Join ${cps.length - 1} control planes one at a time`, 'succeeded', cps.slice(1).map((h, i) => done(h, 70 + i * 40, 110 + i * 40)), 70, 150),
      ...(opts.gate ? [step('approve-before-workers', 'Wait for approval: before-workers', 'waiting', [], 150)] : []),
      step('join-workers', `Join ${workers} workers, at most 10 at a time`, opts.gate ? 'pending' : 'running', opts.gate ? ws.map((host) => ({ host, status: 'pending', attempts: 0 })) : workerHosts, opts.gate ? undefined : 100),
      step('verify-cluster', 'Verify every node is Ready', 'pending', [{ host: 'cp1', status: 'pending', attempts: 0 }]),
    ],
    hosts: all.map((name) => ({ name, role: name.startsWith('cp') ? 'control-plane' : 'worker', state: 'running' })),
    pendingApprovals: opts.gate ? [{ gate: 'before-workers', since: at(150) }] : [],
    approvals: [],
    renewals: { certificateKey: 0, joinToken: 1 },
  };
}

it('formats elapsed time the way a person reads it', () => {
  expect([formatElapsed(4_200), formatElapsed(65_000), formatElapsed(3_725_000)]).toEqual(['4s', '1m05s', '1h02m']);
});

it('a 3+100 bring-up fits 24 rows of 80 columns: counts per state, the failing and slowest hosts', () => {
  const frame = renderFrame(bringUpView(joiningWorkers(3, 100)), NOW, { rows: 24, cols: 80 });
  expect(frame.length).toBeLessThanOrEqual(23);
  expect(frame.every((line) => line.length < 80)).toBe(true);
  expect(frame[0]).toBe('bring-up of big: join-workers · 5m00s');
  expect(frame.find((l) => l.includes('join-workers') && l.includes('running'))).toMatch(/\[#{6}\.{4}\] +61\/100 +3m20s/);
  const wide = renderFrame(bringUpView(joiningWorkers(3, 100)), NOW, { rows: 40, cols: 120 });
  expect(wide.find((l) => l.includes('join-workers') && l.includes('running'))).toMatch(/\[#{12}\.{8}\] {2}61\/100 +3m20s {2}29 running, 1 retrying, 1 failed · Join 100 /);
  expect(frame).toContain('hosts: 103 · 29 running · 1 failed · 63 succeeded · 10 pending');
  const failing = frame.indexOf('failing: 2');
  expect(frame[failing + 1]).toMatch(/^ +w61 +join-workers +failed +1m20s +attempt 5 +kubeadm join: connection/);
  expect(frame[failing + 2]).toMatch(/^ +w62 +join-workers +running +2m50s +attempt 3 +kubelet did not start in time$/);
  const slowest = frame.findIndex((l) => l.startsWith('slowest running: '));
  expect(frame[slowest]).toMatch(/^slowest running: \d+ of 29$/);
  expect(frame[slowest + 1]).toMatch(/^ +w63 +join-workers +1m38s$/);
  // No host gets a row of its own beyond the summary's lists.
  expect(frame.filter((l) => /^\s+w\d+\s/.test(l)).length).toBeLessThan(20);
});

it('a 3+100 bring-up waiting at a gate shows the exact command that answers it', () => {
  const frame = renderFrame(bringUpView(joiningWorkers(3, 100, { gate: true })), NOW, { rows: 24, cols: 100 });
  expect(frame.length).toBeLessThanOrEqual(23);
  expect(frame).toContain('waiting for approval of gate before-workers for 2m30s:');
  expect(frame).toContain('  approve: kubeha approve big before-workers [--comment "..."]');
  expect(frame).toContain('  reject:  kubeha reject big before-workers --reason "..."');
  expect(frame.find((l) => l.includes('approve-before-workers'))).toMatch(/^\? approve-before-workers +waiting/);
});

it('the gate stays on screen when the terminal is tiny', () => {
  const frame = renderFrame(bringUpView(joiningWorkers(3, 100, { gate: true })), NOW, { rows: 6, cols: 60 });
  expect(frame.length).toBe(5);
  expect(frame.slice(-3)).toEqual(['waiting for approval of gate before-workers for 2m30s:', expect.stringMatching(/^ {2}approve: kubeha approve big before-workers /), '  reject:  kubeha reject big before-workers --reason "..."']);
});

it('a 3+3 bring-up shows every host; a 3+5 one too, with its step, state, time, attempts and last error', () => {
  const small = renderFrame(bringUpView(joiningWorkers(3, 3)), NOW, { rows: 24, cols: 120 });
  expect(small.filter((l) => /^(cp|w)\d /.test(l)).map((l) => l.split(' ')[0])).toEqual(['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3']);
  const frame = renderFrame(bringUpView(joiningWorkers(3, 5)), NOW, { rows: 24, cols: 120 });
  expect(frame.length).toBeLessThanOrEqual(23);
  const head = frame.findIndex((l) => l.startsWith('HOST'));
  expect(frame[head]).toMatch(/^HOST +ROLE +STEP +STATE +TIME +TRIES +LAST ERROR$/);
  expect(frame.slice(head + 1)).toEqual([
    expect.stringMatching(/^cp1 +control-plane +init +succeeded +1m00s +1$/),
    expect.stringMatching(/^cp2 +control-plane +join-control-planes +succeeded +40s +1$/),
    expect.stringMatching(/^cp3 +control-plane +join-control-planes +succeeded +40s +1$/),
    expect.stringMatching(/^w1 +worker +join-workers +succeeded +50s +1$/),
    expect.stringMatching(/^w2 +worker +join-workers +succeeded +50s +1$/),
    expect.stringMatching(/^w3 +worker +join-workers +succeeded +50s +1$/),
    expect.stringMatching(/^w4 +worker +join-workers +failed +1m20s +5 +kubeadm join: connection refused$/),
    expect.stringMatching(/^w5 +worker +join-workers +running +2m50s +3 +kubelet did not start in time$/),
  ]);
  expect(frame.some((l) => l.startsWith('hosts: '))).toBe(false);
});

it('the running step spins: two frames a moment apart differ only in place', () => {
  const view = bringUpView(joiningWorkers(3, 100));
  const a = renderFrame(view, NOW, { rows: 24, cols: 80 });
  const b = renderFrame(view, NOW + 250, { rows: 24, cols: 80 });
  expect(b.length).toBe(a.length);
  expect(a.filter((line, i) => line !== b[i])).toHaveLength(1);
});

it("an operation's frame: queued, then its steps, notes and gate", () => {
  const op: OperationRecord = { id: 'op-3', kind: 'upgrade', summary: 'upgrade v1.30.2 -> v1.31.0', requestedBy: 'me', requestedAt: at(0), workflowId: 'wf', state: 'queued' };
  expect(renderFrame(operationView('big', op, undefined), NOW, { rows: 24, cols: 80 })).toEqual(['upgrade op-3 of big: queued']);
  const running = { ...op, state: 'running' as const, runId: 'r' };
  const frame = renderFrame(
    operationView('big', running, {
      phase: 'upgrade-first-control-plane',
      steps: [{ id: 'upgrade-first-control-plane', title: 'kubeadm upgrade apply on cp1', status: 'waiting', startedAt: at(10), hosts: [{ host: 'cp1', status: 'pending', attempts: 0 }] }],
      pendingApprovals: [{ gate: 'before-upgrade-apply', since: at(20) }],
      paused: { by: 'ann', since: at(30) },
    }),
    NOW,
    { rows: 24, cols: 100 },
  );
  expect(frame[0]).toBe('upgrade op-3 of big: upgrade-first-control-plane · 4m50s');
  expect(frame[1]).toMatch(/^paused by ann since .* \(kubeha upgrade resume big\)$/);
  expect(frame).toContain('  approve: kubeha approve big before-upgrade-apply [--comment "..."]');
  expect(frame.some((l) => /^cp1 +- +pending/.test(l))).toBe(true);
});

it('a 5+500 bring-up still fits 24 rows; a failure stays on screen with the failing hosts', () => {
  const progress = joiningWorkers(5, 500);
  const failed = { ...progress, phase: 'failed' as const, failure: { step: 'join-workers' as const, host: 'w301', message: 'kubeadm join: connection refused\n(after 5 attempts)' } };
  const frame = renderFrame(bringUpView(failed), NOW, { rows: 24, cols: 100 });
  expect(frame.length).toBeLessThanOrEqual(23);
  expect(frame[0]).toBe('bring-up of big: failed · 5m00s');
  expect(frame).toContain('hosts: 505 · 149 running · 1 failed · 305 succeeded · 50 pending');
  expect(frame.at(-1)).toBe('FAILED at join-workers on w301: kubeadm join: connection refused (after 5 attempts)');
  expect(frame.find((l) => l.startsWith('failing: '))).toBe('failing: 2');
});
