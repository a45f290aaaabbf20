import { parseRemovedMemberIds } from '../../../src/activities/forget-node';
import type { EtcdMember, EtcdReport } from '../../../src/activities/types';
import type { OperationRequest } from '../../../src/shared/operations';
import type { ClusterSpec, HostSpec } from '../../../src/spec/types';
import { admissionProblem } from '../../../src/workflows/cluster/admission';
import { requestProblems } from '../../../src/workflows/cluster/request-schema';
import { emptyState, type ClusterState } from '../../../src/workflows/cluster/state';
import { planRejoin } from '../../../src/workflows/rejoin/plan';
import { externalMembersChanged, externalQuorumProblem, judgeRemoval } from '../../../src/workflows/rejoin/quorum';

const host = (name: string, role: HostSpec['role'], i: number): HostSpec => ({ name, role, address: `10.0.0.${i}` }) as HostSpec;

function spec(controlPlanes: number, workers = 1, topology: 'stacked' | 'external' = 'stacked'): ClusterSpec {
  const hosts = [
    ...Array.from({ length: controlPlanes }, (_, i) => host(`cp${i + 1}`, 'control-plane', 11 + i)),
    ...Array.from({ length: workers }, (_, i) => host(`w${i + 1}`, 'worker', 21 + i)),
    host('lb', 'load-balancer', 10),
  ];
  return { name: 'c', kubernetesVersion: 'v1.30.2', hosts, etcd: { topology }, preflight: { fix: true, ignore: [] }, approvals: [] } as unknown as ClusterSpec;
}

const member = (name: string, i: number, over: Partial<EtcdMember> = {}): EtcdMember => ({
  id: `id${i}`,
  name,
  peerURLs: [`https://10.0.0.${i}:2380`],
  clientURLs: [`https://10.0.0.${i}:2379`],
  isLearner: false,
  started: true,
  ...over,
});

/** Members cp1..cpN (address 10.0.0.11..), `down` are the ones whose endpoint does not answer healthy. */
function report(n: number, down: string[] = []): EtcdReport {
  const members = Array.from({ length: n }, (_, i) => member(`cp${i + 1}`, 11 + i));
  return {
    members,
    endpoints: members.map((m, i) => ({ endpoint: m.clientURLs[0] as string, healthy: !down.includes(m.name), isLeader: i === 0, raftTerm: 2, version: '3.5.12' })),
  };
}

const cp2 = { name: 'cp2', address: '10.0.0.12' };

describe('the quorum rule for removing a member', () => {
  it('keeps quorum when the members left are a healthy majority: 3 with cp2 down -> 2 left, 2 healthy', () => {
    const j = judgeRemoval(report(3, ['cp2']), cp2);
    expect(j).toMatchObject({ keepsQuorum: true, targetIds: ['id12'], remaining: 2, healthyRemaining: 2 });
  });

  it('refuses when another member is down too: 3 with cp2 and cp3 down -> 2 left, 1 healthy (not more than half)', () => {
    const j = judgeRemoval(report(3, ['cp2', 'cp3']), cp2);
    expect(j).toMatchObject({ keepsQuorum: false, remaining: 2, healthyRemaining: 1 });
    expect(j.summary).toContain('quorum needs 2');
  });

  it('5 members, cp2 and cp3 down: removing cp2 leaves 4 with 3 healthy, kept; with cp4 down too, 2 of 4, refused', () => {
    expect(judgeRemoval(report(5, ['cp2', 'cp3']), cp2).keepsQuorum).toBe(true);
    expect(judgeRemoval(report(5, ['cp2', 'cp3', 'cp4']), cp2).keepsQuorum).toBe(false);
  });

  it('refuses removing the only member, and finds the member by peer URL when it has no name (added, never started)', () => {
    expect(judgeRemoval(report(1), { name: 'cp1', address: '10.0.0.11' }).keepsQuorum).toBe(false);
    const r = report(3);
    r.members[1] = member('', 12, { started: false, clientURLs: [] });
    expect(judgeRemoval(r, cp2)).toMatchObject({ keepsQuorum: true, targetIds: ['id12'], remaining: 2, healthyRemaining: 2 });
  });

  it('does not count learners or members whose endpoint did not answer (cannot tell is not healthy)', () => {
    const r = report(3);
    r.members[2] = member('cp3', 13, { isLearner: true });
    expect(judgeRemoval(r, cp2)).toMatchObject({ remaining: 1, healthyRemaining: 1, keepsQuorum: true });
    const unanswered = report(3);
    unanswered.endpoints = unanswered.endpoints.filter((e) => !e.endpoint.includes('10.0.0.13'));
    expect(judgeRemoval(unanswered, cp2)).toMatchObject({ remaining: 2, healthyRemaining: 1, keepsQuorum: false });
  });

  it('an already-removed member (a retried rejoin) leaves the members as they are', () => {
    const r = report(3);
    r.members.splice(1, 1);
    r.endpoints.splice(1, 1);
    expect(judgeRemoval(r, cp2)).toMatchObject({ keepsQuorum: true, targetIds: [], remaining: 2, healthyRemaining: 2 });
  });
});

describe('the external etcd a control plane needs', () => {
  it('has quorum with a healthy majority of voting members, whatever their names', () => {
    expect(externalQuorumProblem(report(3, ['cp3']))).toBeUndefined();
    expect(externalQuorumProblem(report(5, ['cp4', 'cp5']))).toBeUndefined();
  });

  it('has none with half or fewer healthy, or no members at all, and says which are not healthy', () => {
    expect(externalQuorumProblem(report(3, ['cp2', 'cp3']))).toBe('the external etcd has 1 of 3 voting member(s) healthy (quorum needs 2); not healthy: cp2, cp3');
    expect(externalQuorumProblem(report(4, ['cp3', 'cp4']))).toContain('2 of 4');
    expect(externalQuorumProblem({ members: [], endpoints: [] })).toContain('0 of 0');
  });

  it('a learner does not count towards quorum', () => {
    const r = report(3, ['cp2']);
    r.members[0] = { ...(r.members[0] as EtcdMember), isLearner: true };
    expect(externalQuorumProblem(r)).toContain('1 of 2');
  });

  it('its members must be the same after a rejoin (by id)', () => {
    expect(externalMembersChanged(report(3), report(3, ['cp2']))).toBeUndefined();
    const after = report(3);
    after.members[2] = member('cp3', 13, { id: 'id99' });
    expect(externalMembersChanged(report(3), after)).toBe("the external etcd's members changed during the rejoin: id11, id12, id13 before, id11, id12, id99 after");
  });
});

describe('rejoin phase declarations', () => {
  const plan = (s: ClusterSpec, node: HostSpec) => ({ spec: s, node, leaving: node });
  const ids = (s: ClusterSpec, node: string) =>
    planRejoin(plan(s, s.hosts.find((h) => h.name === node) as HostSpec)).map((p) => [p.description.id, p.description.hosts.map((h) => h.name)]);

  it('a control plane: checked through the other control planes, then drain, member and Node removed, reset, preflight, join, verify on the node', () => {
    expect(ids(spec(3), 'cp2')).toEqual([
      ['check-cluster', ['cp1', 'cp3']],
      ['drain-node', ['cp2']],
      ['remove-node', ['cp2']],
      ['reset-host', ['cp2']],
      ['preflight-host', ['cp2']],
      ['join-node', ['cp2']],
      ['verify-rejoin', ['cp2']],
    ]);
    const titles = planRejoin(plan(spec(3), spec(3).hosts[1] as HostSpec)).map((p) => p.description.title);
    expect(titles[0]).toContain('quorum');
    expect(titles[2]).toContain("etcd member");
    expect(titles[5]).toContain('certificate key');
    expect(planRejoin(plan(spec(3), spec(3).hosts[1] as HostSpec)).every((p) => p.description.mode.kind === 'serial')).toBe(true);
  });

  it('a control plane with manual certificate distribution: the certificates copied before the join, no certificate key', () => {
    const manual = { ...spec(3), certificateDistribution: 'manual' } as ClusterSpec;
    const planned = planRejoin(plan(manual, manual.hosts[1] as HostSpec)).map((p) => p.description);
    expect(planned.map((d) => d.id)).toEqual(['check-cluster', 'drain-node', 'remove-node', 'reset-host', 'preflight-host', 'copy-certificates', 'join-node', 'verify-rejoin']);
    expect(planned[5]?.hosts.map((h) => h.name)).toEqual(['cp2']);
    expect(planned[6]?.title).toBe('Fresh join token, kubeadm join cp2 as control-plane, revoke it');
    const worker = planRejoin(plan(manual, manual.hosts.find((h) => h.name === 'w1') as HostSpec)).map((p) => p.description.id);
    expect(worker).not.toContain('copy-certificates');
  });

  it('a worker: no etcd member or certificate key in the titles; the control planes to act through are all of them', () => {
    const planned = planRejoin(plan(spec(3), spec(3).hosts.find((h) => h.name === 'w1') as HostSpec)).map((p) => p.description);
    expect(planned[0]?.hosts.map((h) => h.name)).toEqual(['cp1', 'cp2', 'cp3']);
    expect(planned.map((d) => d.title).join('\n')).not.toMatch(/etcd member|certificate key/);
  });

  it("external etcd: a control plane has no member to remove; the external cluster's quorum is checked before and after", () => {
    const s = spec(3, 0, 'external');
    const planned = planRejoin(plan(s, s.hosts[0] as HostSpec)).map((p) => p.description);
    expect(planned.map((d) => d.title).join('\n')).not.toMatch(/etcd member/);
    expect(planned[0]?.title).toBe('Find a healthy control plane and check the external etcd has quorum');
    expect(planned.at(-1)?.title).toBe('cp1 Ready; the external etcd has quorum and the same members');
    expect(planned[0]?.hosts.map((h) => h.name)).toEqual(['cp2', 'cp3']);
  });

  it('external etcd: a worker checks nothing of etcd', () => {
    const s = spec(3, 1, 'external');
    const planned = planRejoin(plan(s, s.hosts.find((h) => h.name === 'w1') as HostSpec)).map((p) => p.description);
    expect(planned.map((d) => d.title).join('\n')).not.toMatch(/etcd/);
  });
});

describe('what the cluster workflow admits for a rejoin', () => {
  const rejoin = (node: string): OperationRequest => ({ kind: 'rejoin', node, requestedBy: 'alice@ops' });
  function broughtUp(s: ClusterSpec): ClusterState {
    const state = emptyState('c');
    state.record.spec = s;
    state.record.kubernetesVersion = s.kubernetesVersion;
    state.record.nodes = s.hosts.filter((h) => h.role !== 'load-balancer').map((h) => ({ name: h.name, address: h.address, role: h.role }));
    return state;
  }

  it('takes a control plane or worker of the spec', () => {
    expect(admissionProblem(broughtUp(spec(3)), rejoin('cp2'))).toBeUndefined();
    expect(admissionProblem(broughtUp(spec(3)), rejoin('w1'))).toBeUndefined();
    expect(admissionProblem(broughtUp(spec(2)), rejoin('cp1'))).toBeUndefined();
  });

  it('refuses a node not in the cluster, a load balancer, the only control plane, and before a bring-up', () => {
    expect(admissionProblem(broughtUp(spec(3)), rejoin('cp9'))).toBe('cp9 is not a node of cluster c (nodes: cp1, cp2, cp3, w1)');
    expect(admissionProblem(broughtUp(spec(3)), rejoin('lb'))).toContain('is a load balancer');
    expect(admissionProblem(broughtUp(spec(1)), rejoin('cp1'))).toContain('cp1 is the only control plane');
    expect(admissionProblem(emptyState('c'), rejoin('cp1'))).toBe('cluster c has no successful bring-up to rejoin a node of');
  });

  it('refuses a second rejoin of the same node while one is queued or running; another node queues', () => {
    const state = broughtUp(spec(3));
    expect(admissionProblem(state, rejoin('cp2'), rejoin('cp2'))).toContain('already queued or running');
    expect(admissionProblem(state, rejoin('w1'), rejoin('cp2'))).toBeUndefined();
  });

  it('checks the request shape: a node name', () => {
    expect(requestProblems({ kind: 'rejoin', node: 'Not A Name', requestedBy: 'a' }).join('\n')).toContain('is not a node name');
    expect(requestProblems({ kind: 'rejoin', node: 'cp2', requestedBy: 'a' })).toEqual([]);
  });
});

describe('removeFromCluster reads what forget-node printed', () => {
  it('the member ids etcdctl removed, or none', () => {
    expect(parseRemovedMemberIds('Member 8e9e05c52164694d removed from cluster ef37ad9dc622a7c4\netcd members removed: 8e9e05c52164694d\nnode "cp2" deleted\n')).toEqual(['8e9e05c52164694d']);
    expect(parseRemovedMemberIds('etcd members removed: none\n')).toEqual([]);
    expect(parseRemovedMemberIds('etcd members removed: a1 b2\n')).toEqual(['a1', 'b2']);
    expect(parseRemovedMemberIds('node "w1" deleted\n')).toEqual([]);
  });
});
