import type { PreflightReport } from '../../../src/activities/types';
import { crossHostProblems, formatProblems, preflightProblems } from '../../../src/workflows/bring-up/preflight-checks';

function report(host: string, facts: Partial<PreflightReport['facts']> = {}, problems: PreflightReport['problems'] = []): PreflightReport {
  return {
    host,
    problems,
    fixed: [],
    facts: { hostname: host, macAddresses: [`mac-${host}`], productUuid: `uuid-${host}`, clockOffsetMs: 0, kubeadmVersion: 'v1.30.2', kubeletVersion: 'v1.30.2', ...facts },
  };
}

it('finds no problem on distinct hosts with synced clocks', () => {
  expect(crossHostProblems([report('a'), report('b'), report('c', { clockOffsetMs: -99 })])).toEqual([]);
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

it('flags clock offsets of 100 ms or more in either direction', () => {
  const problems = crossHostProblems([report('a', { clockOffsetMs: 100 }), report('b', { clockOffsetMs: -150.4 }), report('c', { clockOffsetMs: 99.9 })]);
  expect(problems.map((p) => [p.host, p.check])).toEqual([
    ['a', 'clock-offset'],
    ['b', 'clock-offset'],
  ]);
  expect(problems[1]?.message).toMatch(/clock is -150 ms off/);
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

it('does not repeat a clock problem the host check already reported, and ignores checks case-insensitively', () => {
  const a = report('a', { clockOffsetMs: 4000 }, [{ check: 'ClockOffset', message: 'the host clock is 4000 ms off' }]);
  expect(crossHostProblems([a, report('b')])).toEqual([]);
  expect(preflightProblems([a], [], ['clockoffset'])).toEqual([]);
  expect(preflightProblems([a], [{ host: 'c', check: 'reachable', message: 'refused' }], ['all']).map((p) => p.host)).toEqual(['c']);
});
