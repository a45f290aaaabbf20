import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseEndpoints, parseMembers } from '../../../src/activities/etcd-json';
// The one judge of etcd health (the activity only reports facts), fed here with real etcdctl output.
import { etcdProblems, etcdTable } from '../../../src/workflows/bring-up/etcd-checks';

// Captured from the real etcd 3.4.23 / etcdctl on this machine (see the fixture names).
const fixture = (name: string): string => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

describe('etcdctl JSON', () => {
  it('reads uint64 member IDs without losing precision, and spots an added-but-unstarted member', () => {
    const members = parseMembers(fixture('etcd-3.4-members-unstarted.json'));
    expect(members).toEqual([
      { id: BigInt('3734455652240261249').toString(16), name: 'cp1', peerURLs: ['http://127.0.5.200:23800'], clientURLs: ['http://127.0.5.200:23790'], isLearner: false, started: true },
      { id: BigInt('11201123522660941786').toString(16), name: '', peerURLs: ['http://127.0.5.201:23800'], clientURLs: [], isLearner: false, started: false },
    ]);
    expect(members?.[1]?.id).toBe('9b72627f6d7a3fda');
  });

  it('reads a healthy single member as one leader, healthy, with its raft term and version', () => {
    const members = parseMembers(fixture('etcd-3.4-members-one.json')) ?? [];
    const endpoints = parseEndpoints(fixture('etcd-3.4-status-one.txt'), fixture('etcd-3.4-health-one.txt'));
    expect(endpoints).toEqual([{ endpoint: 'http://127.0.5.200:23790', healthy: true, isLeader: true, raftTerm: 2, version: '3.4.23' }]);
    expect(etcdProblems({ members, endpoints }, ['cp1'])).toEqual([]);
  });

  it('reports every problem of an unhealthy cluster, ignoring etcdctl warning lines', () => {
    const report = {
      members: parseMembers(fixture('etcd-3.4-members-unstarted.json')) ?? [],
      endpoints: parseEndpoints(fixture('etcd-3.4-status-unhealthy.txt'), fixture('etcd-3.4-health-unhealthy.txt')),
    };
    expect(report.endpoints[0]).toMatchObject({ healthy: false, isLeader: true, error: 'context deadline exceeded' });
    const problems = etcdProblems(report, ['cp1', 'cp2', 'cp3']);
    expect(problems).toEqual([
      '2 members, expected 3',
      'no member named cp2',
      'no member named cp3',
      'member 9b72627f6d7a3fda (http://127.0.5.201:23800) is not started',
      'endpoint http://127.0.5.200:23790 is unhealthy: context deadline exceeded',
    ]);
    expect(etcdTable(report)).toMatch(/9b72627f6d7a3fda \(unstarted\)\s+started=false/);
  });

  it('flags learners, two leaders and split raft terms', () => {
    const base = { id: '1', peerURLs: ['p'], clientURLs: ['c'], started: true };
    const report = {
      members: [{ ...base, name: 'cp1', isLearner: false }, { ...base, id: '2', name: 'cp2', isLearner: true }],
      endpoints: [
        { endpoint: 'a', healthy: true, isLeader: true, raftTerm: 3, version: '3.5.9' },
        { endpoint: 'b', healthy: true, isLeader: true, raftTerm: 4, version: '3.5.9' },
      ],
    };
    expect(etcdProblems(report, ['cp1', 'cp2'])).toEqual([
      'member cp2 is still a learner',
      '2 leaders, expected exactly 1',
      'endpoints disagree on the raft term: 3, 4',
    ]);
  });

  it('returns undefined for output that is not a member list', () => {
    expect(parseMembers('Error: context deadline exceeded')).toBeUndefined();
  });
});
