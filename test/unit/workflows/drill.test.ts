import { parseReadyzSamples } from '../../../src/activities/drill';
import type { EtcdReport } from '../../../src/activities/types';
import type { OperationRequest } from '../../../src/shared/operations';
import type { ClusterSpec, HostSpec } from '../../../src/spec/types';
import { admissionProblem } from '../../../src/workflows/cluster/admission';
import { requestProblems } from '../../../src/workflows/cluster/request-schema';
import { emptyState, type ClusterState } from '../../../src/workflows/cluster/state';
import { drillManifests, drillRefusal, etcdDuring, etcdDuringProblems, etcdWholeProblems, measureOutage, outageProblem } from '../../../src/workflows/drill/judge';
import { planDrill } from '../../../src/workflows/drill/plan';
import { formatDrillTable } from '../../../src/workflows/drill/table';

const host = (name: string, i: number, role: HostSpec['role'] = 'control-plane'): HostSpec => ({ name, address: `10.0.0.${11 + i}`, role }) as HostSpec;

function spec(controlPlanes: number, etcd: ClusterSpec['etcd'] = { topology: 'stacked' }): ClusterSpec {
  const hosts = [...Array.from({ length: controlPlanes }, (_, i) => host(`cp${i + 1}`, i)), host('w1', 9, 'worker')];
  return { name: 'prod', kubernetesVersion: 'v1.30.2', controlPlaneEndpoint: '10.0.0.10:6443', etcd, hosts } as unknown as ClusterSpec;
}

function broughtUp(s: ClusterSpec): ClusterState {
  const state = emptyState('prod');
  state.record.spec = s;
  state.record.kubernetesVersion = s.kubernetesVersion;
  return state;
}

const drill = (extra: Partial<Extract<OperationRequest, { kind: 'drill' }>> = {}): OperationRequest => ({ kind: 'drill', requestedBy: 'alice@ops', ...extra });

/** Samples every 200 ms for `n` probes; `failing(i)` says which did not get 200. */
function samples(n: number, failing: (i: number) => boolean) {
  return Array.from({ length: n }, (_, i) => ({ at: 1_000_000 + i * 200, code: failing(i) ? 0 : 200 }));
}

describe('the failover drill judges the endpoint by its longest outage', () => {
  it('no failed probe is no outage', () => {
    expect(measureOutage(samples(30, () => false), 200)).toEqual({ outageMs: 0, probes: 30, failedProbes: 0, stillFailing: false });
  });

  it('a health-checking load balancer: a short stretch right after the stop, then every probe answered', () => {
    const outage = measureOutage(samples(50, (i) => i >= 5 && i < 15), 200);
    expect(outage).toEqual({ outageMs: 2_000, probes: 50, failedProbes: 10, stillFailing: false });
    expect(outageProblem(outage, 10_000, 'cp1')).toBeUndefined();
  });

  it('a load balancer without health checks: every third probe fails until the window ends, which is one long outage', () => {
    const outage = measureOutage(samples(75, (i) => i % 3 === 1), 200);
    expect(outage.stillFailing).toBe(false);
    // from the first failure (probe 1) to the success after the last (probe 73 fails, 74 answers)
    expect(outage.outageMs).toBe(73 * 200);
    const problem = outageProblem(outage, 10_000, 'cp1');
    expect(problem).toBe(
      `the endpoint stopped answering /readyz for ${outage.outageMs} ms (> 10000 ms) while cp1 was down (25 of 75 probes failed): does the load balancer health-check its backends?`,
    );
  });

  it('failures until the window ends count to one interval after the last probe, and say so', () => {
    const outage = measureOutage(samples(20, (i) => i >= 10), 200);
    expect(outage).toEqual({ outageMs: 2_000, probes: 20, failedProbes: 10, stillFailing: true });
    expect(outageProblem(outage, 1_000, 'cp2')).toContain('and was still failing when the window ended while cp2 was down');
  });

  it('order of samples does not matter; no probe at all is a problem', () => {
    expect(measureOutage(samples(10, (i) => i === 3).reverse(), 200).outageMs).toBe(200);
    expect(outageProblem(measureOutage([], 200), 10_000, 'cp1')).toBe('no /readyz probe through the endpoint ran while cp1 was down');
  });

  it('reads the probe script output, ignoring anything else', () => {
    expect(parseReadyzSamples('1764547200123 200\nnoise\n1764547200323 000\n1764547200523 500\n')).toEqual([
      { at: 1764547200123, code: 200 },
      { at: 1764547200323, code: 0 },
      { at: 1764547200523, code: 500 },
    ]);
  });
});

describe('the failover drill judges etcd from a surviving member', () => {
  const member = (name: string, i: number) => ({ id: `m${i}`, name, peerURLs: [`https://10.0.0.${11 + i}:2380`], clientURLs: [`https://10.0.0.${11 + i}:2379`], isLearner: false, started: true });
  const endpoint = (i: number, healthy: boolean, isLeader = false) => ({ endpoint: `https://10.0.0.${11 + i}:2379`, healthy, isLeader, raftTerm: 3, version: '3.5.12' });
  const report = (health: boolean[], leader: number | undefined): EtcdReport => ({
    members: ['cp1', 'cp2', 'cp3'].map(member),
    endpoints: health.map((h, i) => endpoint(i, h, i === leader)),
  });

  it('two of three healthy with a leader keeps quorum; the stopped member must be down', () => {
    const r = report([false, true, true], 1);
    const during = etcdDuring(r);
    expect(during).toEqual({ members: 3, started: 3, healthy: 2, leader: 'cp2' });
    expect(etcdDuringProblems(during, r, host('cp1', 0))).toEqual([]);
  });

  it('one of three is lost quorum and no leader; a stopped member still answering is named', () => {
    const lost = report([false, false, true], undefined);
    expect(etcdDuringProblems(etcdDuring(lost), lost, host('cp1', 0))).toEqual(['etcd lost quorum: 1 of 3 members healthy', 'etcd has no leader']);
    const notStopped = report([true, true, true], 0);
    expect(etcdDuringProblems(etcdDuring(notStopped), notStopped, host('cp1', 0))).toEqual(['etcd on cp1 still answers: its static Pod did not stop']);
  });

  it('whole means every member started and healthy, the expected count, and a leader', () => {
    expect(etcdWholeProblems(report([true, true, true], 2), 3)).toEqual([]);
    expect(etcdWholeProblems(report([true, false, true], 2), 3)).toEqual(['2 of 3 etcd members healthy']);
    expect(etcdWholeProblems(report([true, true, true], undefined), 4)).toEqual(['etcd has 3 members, expected 4', 'etcd has no leader']);
  });
});

describe('what the cluster workflow admits as a drill', () => {
  it('refuses before a bring-up, and a cluster without HA, naming why', () => {
    expect(admissionProblem(emptyState('prod'), drill())).toBe('cluster prod has no successful bring-up to drill');
    expect(admissionProblem(broughtUp(spec(1)), drill())).toBe('cluster prod has 1 control plane(s) with stacked etcd: no HA to drill (stopping one would stop the cluster; HA needs 3 or more)');
    expect(admissionProblem(broughtUp(spec(2)), drill())).toContain('stopping one would lose etcd quorum');
    const external = { topology: 'external', endpoints: ['https://10.0.1.1:2379'], caFile: '/c', certFile: '/c', keyFile: '/k' } as ClusterSpec['etcd'];
    expect(admissionProblem(broughtUp(spec(1, external)), drill())).toContain('its external etcd does not help');
    expect(drillRefusal(spec(2, external))).toBeUndefined();
  });

  it('takes a 3-control-plane cluster, once at a time', () => {
    const state = broughtUp(spec(3));
    expect(admissionProblem(state, drill({ maxOutageMs: 5_000 }))).toBeUndefined();
    state.queue.push({ request: drill(), record: { id: 'op-1', kind: 'drill', summary: '', requestedBy: 'a', requestedAt: '', workflowId: 'w', state: 'queued' } });
    expect(admissionProblem(state, drill())).toBe('a drill of prod is already queued or running: see kubeha ops prod');
  });

  it('checks the request fields', () => {
    expect(requestProblems(drill({ maxOutageMs: 2_500 }))).toEqual([]);
    expect(requestProblems(drill({ maxOutageMs: -1 })).join()).toContain('maxOutageMs');
    expect(requestProblems({ ...drill(), tuning: { probeIntervalMs: 100, bogus: 1 } } as unknown as OperationRequest).join()).toContain('tuning');
  });
});

describe('the drill declares its phases from the spec', () => {
  it('check, one control plane at a time, verify; stacked etcd stops the API server and etcd, external only the API server', () => {
    const planned = planDrill({ spec: spec(3), maxOutageMs: 10_000 }).map((p) => p.description);
    expect(planned.map((d) => [d.id, d.hosts.map((h) => h.name), d.mode.kind])).toEqual([
      ['check-cluster', ['cp1', 'cp2', 'cp3'], 'serial'],
      ['drill-control-planes', ['cp1', 'cp2', 'cp3'], 'serial'],
      ['verify-drill', ['cp1'], 'serial'],
    ]);
    expect(planned[1]?.title).toBe("Stop each control plane's kube-apiserver and etcd in turn (the endpoint may be out at most 10000 ms), restore it");
    expect(drillManifests(spec(3))).toEqual(['kube-apiserver.yaml', 'etcd.yaml']);
    expect(drillManifests(spec(3, { topology: 'external', endpoints: [], caFile: '', certFile: '', keyFile: '' } as ClusterSpec['etcd']))).toEqual(['kube-apiserver.yaml']);
  });

  it('prints one row per control plane, problems after the table', () => {
    const table = formatDrillTable([
      { host: 'cp1', stopped: ['kube-apiserver', 'etcd'], outageMs: 0, probes: 60, failedProbes: 0, etcdMembers: 3, etcdHealthy: 2, etcdLeader: 'cp2', restoredMs: 2100, verdict: 'passed', problems: [] },
      { host: 'cp2', stopped: ['kube-apiserver', 'etcd'], verdict: 'failed', problems: ['etcd has no leader'] },
    ]);
    expect(table.split('\n')).toEqual([
      'CONTROL PLANE   STOPPED               OUTAGE   PROBES FAILED   ETCD HEALTHY   LEADER   RESTORED IN   VERDICT',
      'cp1             kube-apiserver+etcd   0 ms     0/60            2/3            cp2      2100 ms       passed',
      'cp2             kube-apiserver+etcd   -        -               -              -        -             failed',
      'cp2: etcd has no leader',
      '',
    ]);
  });
});
