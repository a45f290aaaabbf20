import type { HostFacts, RunRecord } from '../../../src/activities/host-state';
import { judgeInitHost, judgeJoinHost, judgeLeftovers, parseClusterView, parseHostFacts } from '../../../src/activities/host-state';
import type { KubeadmFile } from '../../../src/remote/host-facts';
import { kubeadmHostFacts } from '../../../src/remote/host-facts';
import { parseSections } from '../../../src/remote/sections';

const ALL_CP: KubeadmFile[] = ['admin.conf', 'kubelet.conf', 'manifests/kube-apiserver.yaml', 'manifests/etcd.yaml', 'pki/ca.crt'];
const facts = (files: KubeadmFile[], run: RunRecord, api: HostFacts['api'], etcd?: HostFacts['etcd']): HostFacts => ({ files: new Set(files), run, api, ...(etcd ? { etcd } : {}) });
const none: RunRecord = { kind: 'none' };
const died: RunRecord = { kind: 'died' };
const exited = (code: number): RunRecord => ({ kind: 'exited', code });

describe('judgeInitHost', () => {
  it('attaches to a running init, whatever the files say', () => {
    expect(judgeInitHost(facts(ALL_CP, { kind: 'running' }, 'refused'))).toEqual({ state: 'running' });
  });

  it('fresh without kubeadm files, even after a failed run (preflight leaves nothing)', () => {
    expect(judgeInitHost(facts([], none, 'refused')).state).toBe('fresh');
    expect(judgeInitHost(facts([], exited(1), 'refused')).state).toBe('fresh');
  });

  it('done only when kubeadm init finished and its own API server is ready', () => {
    expect(judgeInitHost(facts(ALL_CP, exited(0), 'ready')).state).toBe('done');
  });

  it('part-done when the API answers but init never finished (session lost, killed, or no record)', () => {
    expect(judgeInitHost(facts(ALL_CP, died, 'ready')).state).toBe('part-done');
    expect(judgeInitHost(facts(ALL_CP, exited(1), 'ready')).state).toBe('part-done');
    expect(judgeInitHost(facts(ALL_CP, none, 'ready')).state).toBe('part-done');
  });

  it("can't tell when the local API does not answer in time or is not ready: never a reset", () => {
    for (const run of [none, died, exited(0), exited(1)]) {
      expect(judgeInitHost(facts(ALL_CP, run, 'no-answer')).state).toBe('cant-tell');
      expect(judgeInitHost(facts(ALL_CP, run, 'not-ready')).state).toBe('cant-tell');
    }
  });

  it("can't tell while the kubelet may still be starting the API server after kubeadm died", () => {
    expect(judgeInitHost(facts(ALL_CP, died, 'refused', 'not-answering')).state).toBe('cant-tell');
    expect(judgeInitHost(facts(ALL_CP, exited(0), 'refused', 'not-answering')).state).toBe('cant-tell');
  });

  it('never resets a host whose etcd still answers', () => {
    expect(judgeInitHost(facts(ALL_CP, exited(1), 'refused', 'member')).state).toBe('cant-tell');
    expect(judgeInitHost(facts(ALL_CP, none, 'refused', 'member')).state).toBe('cant-tell');
  });

  it('leftovers only when kubeadm failed or left no record, and neither API nor etcd runs', () => {
    expect(judgeInitHost(facts(ALL_CP, exited(1), 'refused', 'not-answering')).state).toBe('leftovers');
    expect(judgeInitHost(facts(['pki/ca.crt'], none, 'refused', 'no-certificate')).state).toBe('leftovers');
  });
});

describe('judgeJoinHost', () => {
  it('a worker is done once the kubelet has its kubeconfig, through any API blip', () => {
    for (const api of ['ready', 'refused', 'no-answer'] as const) expect(judgeJoinHost(facts(['kubelet.conf', 'pki/ca.crt'], died, api), 'worker', true).state).toBe('done');
  });

  it('a stacked control plane is done when its join finished and its own API is ready', () => {
    expect(judgeJoinHost(facts(ALL_CP, exited(0), 'ready', 'member'), 'control-plane', true).state).toBe('done');
  });

  it('a control plane that stopped after kubelet-start is completed, not reset', () => {
    expect(judgeJoinHost(facts(['kubelet.conf', 'manifests/kube-apiserver.yaml', 'pki/ca.crt'], died, 'not-ready'), 'control-plane', true).state).toBe('part-done');
    expect(judgeJoinHost(facts(ALL_CP, died, 'ready', 'member'), 'control-plane', true).state).toBe('part-done');
  });

  it("can't tell for a control plane with its etcd manifest whose API does not answer", () => {
    expect(judgeJoinHost(facts(ALL_CP, died, 'no-answer', 'member'), 'control-plane', true).state).toBe('cant-tell');
    expect(judgeJoinHost(facts(ALL_CP, exited(0), 'refused', 'not-answering'), 'control-plane', true).state).toBe('cant-tell');
  });

  it('asks the cluster before treating files without kubelet.conf as leftovers', () => {
    expect(judgeJoinHost(facts(['pki/ca.crt', 'manifests/kube-apiserver.yaml'], exited(1), 'refused'), 'control-plane', true).state).toBe('ask-cluster');
    expect(judgeJoinHost(facts(['bootstrap-kubelet.conf'], died, 'refused'), 'worker', true).state).toBe('ask-cluster');
  });
});

describe('judgeLeftovers', () => {
  const member = { id: '8e9e05c52164694d', name: 'cp2', peerURLs: ['https://10.0.0.12:2380'], clientURLs: [], isLearner: false, started: true };
  it('resets only a host that is neither a Ready node nor an etcd member', () => {
    expect(judgeLeftovers('seen', { node: 'absent' }).state).toBe('leftovers');
    expect(judgeLeftovers('seen', { node: 'not-ready' }).state).toBe('leftovers');
    expect(judgeLeftovers('seen', { node: 'ready' }).state).toBe('needs-attention');
    expect(judgeLeftovers('seen', { node: 'absent', etcdMember: member }).state).toBe('needs-attention');
    expect(judgeLeftovers('seen', { node: 'absent', etcdMember: { ...member, isLearner: true, started: false } })).toMatchObject({ state: 'needs-attention', seen: expect.stringContaining('learner') });
  });
});

describe('parsing the evidence', () => {
  it('reads files, run, readyz and etcd sections', () => {
    const out = `admin.conf\nkubelet.conf\nbogus\n\n@@files 0\nexited 0\n\n@@run 0\n200\n@@readyz 0\n[]\n@@etcd 1\n`;
    expect(parseHostFacts(parseSections(out))).toEqual({ files: new Set(['admin.conf', 'kubelet.conf']), run: { kind: 'exited', code: 0 }, api: 'ready', etcd: 'not-answering' });
    const refused = parseHostFacts(parseSections(`\n@@files 0\nnone\n@@run 0\n000\n@@readyz 7\nno-etcd-client-certificate\n@@etcd 3\n`));
    expect(refused).toMatchObject({ api: 'refused', etcd: 'no-certificate', run: { kind: 'none' } });
    expect(parseHostFacts(parseSections(`\n@@files 0\nrunning\n@@run 0\n000\n@@readyz 28\n`)).api).toBe('no-answer');
  });

  it('a host whose API server was not asked has no API evidence: a worker is judged without it, an init host cannot be', () => {
    const worker = parseHostFacts(parseSections(`bootstrap-kubelet.conf\nkubelet.conf\n@@files 0\nexited 0\n@@run 0\n`));
    expect(worker).toEqual({ files: new Set(['bootstrap-kubelet.conf', 'kubelet.conf']), run: { kind: 'exited', code: 0 } });
    expect(judgeJoinHost(worker, 'worker', true).state).toBe('done');
    expect(judgeInitHost(facts(ALL_CP, died, undefined))).toMatchObject({ state: 'cant-tell', seen: expect.not.stringContaining('local API') });
    expect(judgeJoinHost(facts(ALL_CP, exited(0), undefined), 'control-plane', true).state).toBe('cant-tell');
  });

  it('the facts script asks the API server and etcd only when told to, and makes kubeha\'s dirs only when missing', () => {
    const bare = kubeadmHostFacts.render({ unit: 'kubeadm-join' }).text;
    expect(bare).not.toContain('curl');
    expect(bare).not.toContain('etcdctl');
    expect(bare).toMatch(/\[ -d '?\/etc\/kubeha'? \] && \[ -d \S+ \] \|\| install -d -m 0700/);
    const full = kubeadmHostFacts.render({ unit: 'kubeadm-init', readyzUrl: 'https://10.0.0.11:6443/readyz', etcd: { endpoint: 'https://10.0.0.11:2379', caFile: 'ca', certFile: 'c', keyFile: 'k' } }).text;
    expect(full).toContain('curl -sk --max-time 5');
    expect(full).toContain('member list -w json');
  });

  it('a cluster view needs a clear answer from both the API and etcd', () => {
    const members = JSON.stringify({ members: [{ ID: 1, name: 'cp1', peerURLs: ['https://10.0.0.11:2380'], clientURLs: ['https://10.0.0.11:2379'] }] });
    const cp2 = { name: 'cp2', address: '10.0.0.12' };
    expect(parseClusterView(parseSections(`Error from server (NotFound): nodes "cp2" not found\n@@node 1\n${members}\n@@etcd 0\n`), cp2, true)).toEqual({ node: 'absent' });
    expect(parseClusterView(parseSections(`Unable to connect to the server: dial tcp 10.0.0.11:6443: i/o timeout\n@@node 1\n${members}\n@@etcd 0\n`), cp2, true)).toBeUndefined();
    expect(parseClusterView(parseSections(`Error from server (NotFound): nodes "cp2" not found\n@@node 1\ncontext deadline exceeded\n@@etcd 1\n`), cp2, true)).toBeUndefined();
    const node = JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(parseClusterView(parseSections(`${node}\n@@node 0\n`), cp2, false)).toEqual({ node: 'ready' });
  });
});
