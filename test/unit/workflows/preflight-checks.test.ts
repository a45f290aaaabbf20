import type { PreflightReport } from '../../../src/activities/types';
import {
  clockJudgementChanged,
  crossHostProblems,
  formatProblems,
  MAX_CLOCK_OFFSET_MS,
  preflightProblems,
} from '../../../src/workflows/bring-up/preflight-checks';

function report(host: string, facts: Partial<PreflightReport['facts']> = {}, problems: PreflightReport['problems'] = []): PreflightReport {
  return {
    host,
    problems,
    fixed: [],
    facts: { hostname: host, macAddresses: [`mac-${host}`], productUuid: `uuid-${host}`, clockOffsetMs: 0, kubeadmVersion: 'v1.30.2', kubeletVersion: 'v1.30.2', ...facts },
  };
}

it('finds no problem on distinct hosts with synced clocks', () => {
  expect(crossHostProblems([report('a'), report('b'), report('c', { clockOffsetMs: -1000 }), report('d', { clockOffsetMs: 999 })])).toEqual([]);
});

it('names every host sharing a hostname, MAC or product_uuid, and the others it collides with', () => {
  const problems = crossHostProblems([report('a', { hostname: 'node' }), report('b', { hostname: 'node', macAddresses: ['m1', 'mac-c'] }), report('c')]);
  expect(problems).toEqual([
    { host: 'a', check: 'unique-hostname', message: 'hostname node is also used by b; every node needs its own' },
    { host: 'b', check: 'unique-hostname', message: 'hostname node is also used by a; every node needs its own' },
    { host: 'b', check: 'unique-mac', message: 'MAC address mac-c is also used by c; every node needs its own' },
    { host: 'c', check: 'unique-mac', message: 'MAC address mac-c is also used by b; every node needs its own' },
  ]);
});

it('flags clock offsets beyond the one limit (1 s, where etcd warns of clock drift) in either direction', () => {
  expect(MAX_CLOCK_OFFSET_MS).toBe(1_000);
  const problems = crossHostProblems([report('a', { clockOffsetMs: 1001 }), report('b', { clockOffsetMs: -1500.4 }), report('c', { clockOffsetMs: 1000 })]);
  expect(problems.map((p) => [p.host, p.check])).toEqual([
    ['a', 'clock-offset'],
    ['b', 'clock-offset'],
  ]);
  expect(problems[1]?.message).toMatch(/clock is -1500 ms off the orchestrator's \(limit 1000 ms\)/);
});

it('aggregates unreachable hosts, per-host and cross-host problems, minus ignored checks', () => {
  const problems = preflightProblems(
    [report('a', {}, [{ check: 'swap', message: 'swap is on' }, { check: 'NumCPU', message: '1 CPU' }]), report('b', { productUuid: 'uuid-a' })],
    [{ host: 'c', check: 'reachable', message: 'connect ETIMEDOUT' }],
    ['NumCPU'],
  );
  expect(problems.map((p) => `${p.host}:${p.check}`)).toEqual(['c:reachable', 'a:swap', 'a:unique-product-uuid', 'b:unique-product-uuid']);
  expect(formatProblems(problems)).toMatch(/^4 problem\(s\) on 3 host\(s\):\n {2}c: \[reachable\] connect ETIMEDOUT\n/);
});

it("judges the clock from the facts alone: the activity's own ClockOffset problem is not repeated, and ignoring either name ignores it", () => {
  const a = report('a', { clockOffsetMs: 4000 }, [{ check: 'ClockOffset', message: 'the host clock is 4000 ms off' }]);
  expect(preflightProblems([a], [], []).map((p) => p.check)).toEqual(['clock-offset']);
  expect(preflightProblems([report('b', {}, [{ check: 'ClockOffset', message: 'off' }])], [], [])).toEqual([]);
  expect(preflightProblems([a], [], ['clockoffset'])).toEqual([]);
  expect(preflightProblems([a], [], ['Clock-Offset'])).toEqual([]);
  expect(preflightProblems([a], [{ host: 'c', check: 'reachable', message: 'refused' }], ['all']).map((p) => p.host)).toEqual(['c']);
});

it('replays bring-ups from before the one limit with their rule (100 ms, deferring to the activity)', () => {
  const slightlyOff = report('a', { clockOffsetMs: 150 });
  expect(clockJudgementChanged([report('b', { clockOffsetMs: 99 })])).toBe(false);
  expect(clockJudgementChanged([slightlyOff])).toBe(true);
  expect(preflightProblems([slightlyOff], [], [])).toEqual([]);
  expect(preflightProblems([slightlyOff], [], [], { legacyClock: true }).map((p) => p.check)).toEqual(['clock-offset']);
  const reported = report('c', { clockOffsetMs: 4000 }, [{ check: 'ClockOffset', message: 'off' }]);
  expect(preflightProblems([reported], [], [], { legacyClock: true }).map((p) => p.check)).toEqual(['ClockOffset']);
  expect(preflightProblems([reported], [], ['clock-offset'], { legacyClock: true }).map((p) => p.check)).toEqual(['ClockOffset']);
});
