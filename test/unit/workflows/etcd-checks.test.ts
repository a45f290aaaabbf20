import type { EtcdReport } from '../../../src/activities/types';
import type { ClusterSpec } from '../../../src/spec/types';
import { etcdProblems, etcdTable, expectedEtcdMembers } from '../../../src/workflows/bring-up/etcd-checks';

function healthy(n: number): EtcdReport {
  const ids = Array.from({ length: n }, (_, i) => i);
  return {
    members: ids.map((i) => ({ id: `id${i}`, name: `cp${i}`, peerURLs: [`https://10.0.0.${i}:2380`], clientURLs: [`https://10.0.0.${i}:2379`], isLearner: false, started: true })),
    endpoints: ids.map((i) => ({ endpoint: `https://10.0.0.${i}:2379`, healthy: true, isLeader: i === 0, raftTerm: 3, version: '3.5.12' })),
  };
}

it('accepts one started voting member per control plane, all healthy, one leader, one term', () => {
  expect(etcdProblems(healthy(3), 3)).toEqual([]);
});

it('lists everything that is wrong', () => {
  const r = healthy(3);
  r.members[1] = { ...r.members[1]!, started: false, name: '' };
  r.members[2] = { ...r.members[2]!, isLearner: true };
  r.endpoints[0] = { ...r.endpoints[0]!, isLeader: false };
  r.endpoints[2] = { ...r.endpoints[2]!, raftTerm: 4 };
  expect(etcdProblems(r, 4)).toEqual([
    '3 members, expected 4',
    'member id1 (https://10.0.0.1:2380) is not started',
    'member cp2 is still a learner',
    '0 leaders, expected exactly 1',
    'endpoints disagree on the raft term: 3, 4',
  ]);
  expect(etcdTable(r)).toMatch(/id1 \(unstarted\)\s+started=false/);
});

it('reports unhealthy endpoints with their error', () => {
  const r = healthy(2);
  r.endpoints[1] = { ...r.endpoints[1]!, healthy: false, error: 'context deadline exceeded' };
  expect(etcdProblems(r, 2)).toEqual(['endpoint https://10.0.0.1:2379 is unhealthy: context deadline exceeded']);
});

it('with the control planes by name: one member each, none extra (stacked)', () => {
  expect(etcdProblems(healthy(3), ['cp0', 'cp1', 'cp2'])).toEqual([]);
  const r = healthy(3);
  r.members[2] = { ...r.members[2]!, name: 'cp1' };
  expect(etcdProblems(r, ['cp0', 'cp1', 'cp2'])).toEqual(['2 members named cp1', 'no member named cp2']);
  expect(etcdProblems(healthy(2), ['cp0', 'cp9'])).toEqual(['no member named cp9', 'member cp1 is not a control plane of the spec']);
});

it('expects a member per control plane when stacked and per endpoint when external', () => {
  const hosts = ['cp1', 'cp2', 'w1'].map((name) => ({ name, role: name.startsWith('cp') ? ('control-plane' as const) : ('worker' as const) })) as ClusterSpec['hosts'];
  expect(expectedEtcdMembers({ etcd: { topology: 'stacked' }, hosts })).toEqual(['cp1', 'cp2']);
  const external: ClusterSpec['etcd'] = { topology: 'external', endpoints: ['https://a:2379', 'https://b:2379', 'https://c:2379'], caFile: '/c', certFile: '/c', keyFile: '/k' };
  expect(expectedEtcdMembers({ etcd: external, hosts })).toBe(3);
});
