import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { renderHaproxyCfg } from '../../../src/render/haproxy';
import { renderKubeadmInit } from '../../../src/render/kubeadm-init';
import type { ClusterRecord, OperationRecord, OperationRequest, RejoinInput, RejoinResult } from '../../../src/shared/operations';
import { clusterSettings } from '../../../src/spec/hosts';
import { loadSpecFile } from '../../../src/spec/load';
import type { ClusterSpec, HostSpec, LoadBalancerSpec } from '../../../src/spec/types';
import { admissionProblem } from '../../../src/workflows/cluster/admission';
import { replaceKind } from '../../../src/workflows/cluster/kinds/replace';
import { requestProblems } from '../../../src/workflows/cluster/request-schema';
import { emptyState, type ClusterState } from '../../../src/workflows/cluster/state';
import { planRejoin } from '../../../src/workflows/rejoin/plan';
import { replacementAddressProblem, withNodeAddress } from '../../../src/workflows/rejoin/replacement';
import { replaceTargetProblem } from '../../../src/workflows/rejoin/validate';

const host = (name: string, role: HostSpec['role'], address: string): HostSpec => ({ name, role, address }) as HostSpec;

const HAPROXY: LoadBalancerSpec = { type: 'haproxy-keepalived', vip: '10.0.0.100', port: 6443, interface: 'eth0', virtualRouterId: 51 };

function spec(loadBalancer: LoadBalancerSpec = HAPROXY, controlPlanes = 3): ClusterSpec {
  const hosts = [
    ...(loadBalancer.type === 'haproxy-keepalived' ? [host('lb1', 'load-balancer', '10.0.0.9')] : []),
    ...Array.from({ length: controlPlanes }, (_, i) => host(`cp${i + 1}`, 'control-plane', `10.0.0.${11 + i}`)),
    host('w1', 'worker', '10.0.0.21'),
  ];
  return {
    name: 'c',
    kubernetesVersion: 'v1.30.2',
    controlPlaneEndpoint: '10.0.0.100:6443',
    loadBalancer,
    hosts,
    etcd: { topology: 'stacked' },
    preflight: { fix: true, ignore: [] },
    approvals: [],
  } as unknown as ClusterSpec;
}

/** What the rejoin workflow plans for a replace of `node` onto `address`. */
function replacePlan(s: ClusterSpec, node: string, address: string) {
  const leaving = s.hosts.find((h) => h.name === node) as HostSpec;
  const next = withNodeAddress(s, node, address);
  return planRejoin({ spec: next, node: next.hosts.find((h) => h.name === node) as HostSpec, leaving }).map((p) => p.description);
}

describe('which new addresses a node can move to', () => {
  const s = spec();

  it('takes a free IP address or DNS name', () => {
    expect(replacementAddressProblem(s, 'cp2', '10.0.0.42')).toBeUndefined();
    expect(replacementAddressProblem(s, 'cp2', 'cp2-new.example.com')).toBeUndefined();
  });

  it('refuses its recorded address (that is a rejoin), also written another way', () => {
    expect(replacementAddressProblem(s, 'cp2', '10.0.0.12')).toBe("10.0.0.12 is cp2's recorded address: to join the same host again use kubeha rejoin c cp2");
    const v6 = withNodeAddress(s, 'cp2', 'fd00::12');
    expect(replacementAddressProblem(v6, 'cp2', 'fd00:0:0:0:0:0:0:12')).toContain("recorded address");
  });

  it("refuses another host's address, the VIP, the endpoint's host and what is not an address", () => {
    expect(replacementAddressProblem(s, 'cp2', '10.0.0.11')).toBe('10.0.0.11 is already the address of cp1 (control-plane) in cluster c');
    expect(replacementAddressProblem(s, 'cp2', '10.0.0.9')).toBe('10.0.0.9 is already the address of lb1 (load-balancer) in cluster c');
    expect(replacementAddressProblem(s, 'cp2', '10.0.0.100')).toBe("10.0.0.100 is the cluster's VIP, not a host");
    expect(replacementAddressProblem(spec({ type: 'external' }), 'cp2', '10.0.0.100')).toBe("10.0.0.100 is the cluster's controlPlaneEndpoint host, not a host");
    expect(replacementAddressProblem(s, 'cp2', '10.0.0.300')).toBe('"10.0.0.300" is not an IP address or DNS name');
    expect(replacementAddressProblem(s, 'cp2', 'a b')).toBe('"a b" is not an IP address or DNS name');
  });

  it("checks the node with the rejoin's rule first: unknown, a load balancer, the only control plane", () => {
    expect(replaceTargetProblem(s, 'cp9', '10.0.0.42')).toContain('cp9 is not a node of cluster c');
    expect(replaceTargetProblem(s, 'lb1', '10.0.0.42')).toContain('lb1 is a load balancer of cluster c, not a node');
    expect(replaceTargetProblem(spec(HAPROXY, 1), 'cp1', '10.0.0.42')).toContain('cp1 is the only control plane');
  });

  it('moves only that node: the rest of the spec is the same', () => {
    const moved = withNodeAddress(s, 'cp2', '10.0.0.42');
    expect(moved.hosts.map((h) => `${h.name}=${h.address}`)).toEqual(['lb1=10.0.0.9', 'cp1=10.0.0.11', 'cp2=10.0.0.42', 'cp3=10.0.0.13', 'w1=10.0.0.21']);
    expect(s.hosts.find((h) => h.name === 'cp2')?.address).toBe('10.0.0.12');
    expect({ ...moved, hosts: [] }).toEqual({ ...s, hosts: [] });
  });
});

describe('what the cluster workflow admits for a replace', () => {
  const request = (node: string, address: string): OperationRequest => ({ kind: 'replace', node, address, requestedBy: 'alice@ops' });
  function broughtUp(s: ClusterSpec = spec()): ClusterState {
    const state = emptyState('c');
    state.record.spec = s;
    state.record.kubernetesVersion = s.kubernetesVersion;
    state.record.nodes = s.hosts.filter((h) => h.role !== 'load-balancer').map((h) => ({ name: h.name, address: h.address, role: h.role }));
    return state;
  }
  const queued = (state: ClusterState, r: OperationRequest) =>
    state.queue.push({ request: r, record: { id: `op-${state.queue.length + 1}`, kind: r.kind, summary: '', requestedBy: r.requestedBy, requestedAt: '', workflowId: 'w', state: 'queued' } });

  it('takes a control plane or worker onto a free address', () => {
    expect(admissionProblem(broughtUp(), request('cp2', '10.0.0.42'))).toBeUndefined();
    expect(admissionProblem(broughtUp(), request('w1', '10.0.0.42'))).toBeUndefined();
  });

  it('refuses without a cluster, a node it does not have, the same address, a taken one', () => {
    expect(admissionProblem(emptyState('c'), request('cp2', '10.0.0.42'))).toBe('cluster c has no successful bring-up to replace a node of');
    expect(admissionProblem(broughtUp(), request('cp9', '10.0.0.42'))).toContain('cp9 is not a node of cluster c');
    expect(admissionProblem(broughtUp(), request('cp2', '10.0.0.12'))).toContain('use kubeha rejoin c cp2');
    expect(admissionProblem(broughtUp(), request('cp2', '10.0.0.13'))).toContain('already the address of cp3');
  });

  it('refuses a second replace or rejoin of the node, or a second replace onto the address, while one waits', () => {
    const state = broughtUp();
    queued(state, request('cp2', '10.0.0.42'));
    expect(admissionProblem(state, request('cp2', '10.0.0.43'))).toContain('a cp2 rejoin or replace is already queued or running');
    expect(admissionProblem(state, { kind: 'rejoin', node: 'cp2', requestedBy: 'bob' })).toContain('a replace of cp2 is queued or running');
    expect(admissionProblem(state, request('cp3', '10.0.0.42'))).toContain('a replace to 10.0.0.42 is already queued or running');
    expect(admissionProblem(state, request('cp3', '10.0.0.44'))).toBeUndefined();
  });

  it('checks the request shape: a node name and an address are required', () => {
    expect(requestProblems({ kind: 'replace', node: 'cp2', requestedBy: 'a' }).join('\n')).toMatch(/address/);
    expect(requestProblems({ kind: 'replace', node: 'cp 2', address: '10.0.0.42', requestedBy: 'a' }).join('\n')).toContain('is not a node name');
    expect(requestProblems({ kind: 'replace', node: 'cp2', address: '10.0.0.42', requestedBy: 'a' })).toEqual([]);
  });
});

describe('replace phase declarations', () => {
  const ids = (d: ReturnType<typeof replacePlan>) => d.map((p) => [p.id, p.hosts.map((h) => `${h.name}@${h.address}`)]);

  it('a control plane behind HAProxy: no drain, the certSANs before the join, the HAProxy hosts after it; the new host acted on, never the old', () => {
    const planned = replacePlan(spec(), 'cp2', '10.0.0.42');
    expect(ids(planned)).toEqual([
      ['check-cluster', ['cp1@10.0.0.11', 'cp3@10.0.0.13']],
      ['check-replacement', ['cp2@10.0.0.42']],
      ['remove-node', ['cp2@10.0.0.42']],
      ['update-cluster-config', ['cp2@10.0.0.42']],
      ['reset-host', ['cp2@10.0.0.42']],
      ['preflight-host', ['cp2@10.0.0.42']],
      ['join-node', ['cp2@10.0.0.42']],
      ['update-load-balancer', ['lb1@10.0.0.9']],
      ['verify-rejoin', ['cp2@10.0.0.42']],
    ]);
    const title = (id: string) => planned.find((p) => p.id === id)?.title ?? '';
    expect(title('check-replacement')).toContain('the old host 10.0.0.12 is only looked at, nothing is run on it');
    expect(title('remove-node')).toContain('peer https://10.0.0.12:2380');
    expect(title('update-cluster-config')).toContain('10.0.0.42 in place of 10.0.0.12 (certSANs)');
    expect(title('update-load-balancer')).toBe('HAProxy on lb1: backend cp2 at 10.0.0.42 instead of 10.0.0.12, reloaded');
  });

  it('a worker: neither certSANs nor load balancer (workers are in neither)', () => {
    expect(replacePlan(spec(), 'w1', '10.0.0.42').map((p) => p.id)).toEqual(['check-cluster', 'check-replacement', 'remove-node', 'reset-host', 'preflight-host', 'join-node', 'verify-rejoin']);
  });

  it('kube-vip has no backend list, and an external load balancer is the operator\'s: both said in the plan, no host acted on', () => {
    const kubeVip = replacePlan(spec({ type: 'kube-vip', vip: '10.0.0.100', port: 6443, interface: 'eth0', image: 'ghcr.io/kube-vip/kube-vip:v0.8.0' }), 'cp2', '10.0.0.42');
    const vipStep = kubeVip.find((p) => p.id === 'update-load-balancer');
    expect(vipStep?.hosts).toEqual([]);
    expect(vipStep?.title).toContain('kube-vip has no backend list');
    const external = replacePlan(spec({ type: 'external' }), 'cp2', '10.0.0.42').find((p) => p.id === 'update-load-balancer');
    expect(external?.hosts).toEqual([]);
    expect(external?.title).toBe('External load balancer: the external load balancer is not kubeha\'s to change: replace the backend 10.0.0.12:6443 by 10.0.0.42:6443 (cp2) in it yourself');
  });

  it('a rejoin (same address) plans what it always did', () => {
    const s = spec();
    const cp2 = s.hosts.find((h) => h.name === 'cp2') as HostSpec;
    expect(planRejoin({ spec: s, node: cp2, leaving: cp2 }).map((p) => p.description.id)).toEqual([
      'check-cluster',
      'drain-node',
      'remove-node',
      'reset-host',
      'preflight-host',
      'join-node',
      'verify-rejoin',
    ]);
  });
});

describe('what the new address changes in the rendered files', () => {
  let example: ClusterSpec;
  beforeAll(async () => {
    example = (await loadSpecFile(path.join(__dirname, '../../../examples/haproxy.yaml'), { homeDir: '/home/user' })).spec;
  });
  const changedLines = (before: string, after: string) => {
    const a = before.split('\n');
    const b = after.split('\n');
    expect(b).toHaveLength(a.length);
    return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]]]));
  };

  it('haproxy.cfg: exactly cp2\'s server line, from the old address to the new one', () => {
    const before = renderHaproxyCfg(clusterSettings(example));
    const after = renderHaproxyCfg(clusterSettings(withNodeAddress(example, 'cp2', '10.0.0.42')));
    expect(changedLines(before, after)).toEqual([['    server cp2 10.0.0.22:6443 check verify none fall 3 rise 2', '    server cp2 10.0.0.42:6443 check verify none fall 3 rise 2']]);
  });

  it('haproxy.cfg with the new backend passes haproxy -c', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-replace-'));
    try {
      const file = path.join(dir, 'haproxy.cfg');
      writeFileSync(file, renderHaproxyCfg(clusterSettings(withNodeAddress(example, 'cp2', '10.0.0.42'))));
      expect(execFileSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' })).toMatch(/Configuration file is valid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("kubeadm's ClusterConfiguration: the certSANs name the new address and no longer the old one", () => {
    const docs = (text: string) => text.split(/^---$/m).map((d) => parse(d) as Record<string, unknown>);
    const clusterConfig = (s: ClusterSpec) => docs(renderKubeadmInit(clusterSettings(s))).find((d) => d.kind === 'ClusterConfiguration') as {
      apiServer: { certSANs: string[] };
      etcd: { local: { serverCertSANs: string[]; peerCertSANs: string[] } };
    };
    const after = clusterConfig(withNodeAddress(example, 'cp2', '10.0.0.42'));
    expect(clusterConfig(example).apiServer.certSANs).toContain('10.0.0.22');
    for (const sans of [after.apiServer.certSANs, after.etcd.local.serverCertSANs, after.etcd.local.peerCertSANs]) {
      expect(sans).toContain('10.0.0.42');
      expect(sans).not.toContain('10.0.0.22');
    }
  });
});

describe('what a succeeded replace does to the record', () => {
  it('the spec and the node take the new address, the etcd member id and version follow, the notes end up in the message', async () => {
    const s = spec();
    const record: ClusterRecord = {
      name: 'c',
      spec: s,
      kubernetesVersion: 'v1.30.2',
      nodes: s.hosts.filter((h) => h.role !== 'load-balancer').map((h) => ({ name: h.name, address: h.address, role: h.role, etcdMemberId: h.role === 'control-plane' ? `old-${h.name}` : undefined })),
      queue: [],
      history: [],
    };
    const request = { kind: 'replace' as const, node: 'cp2', address: '10.0.0.42', requestedBy: 'alice@ops' };
    const op = { id: 'op-1', kind: 'replace', summary: replaceKind.summary(request, record) } as OperationRecord;
    let sent: RejoinInput | undefined;
    const result: RejoinResult = {
      outcome: 'succeeded',
      node: 'cp2',
      role: 'control-plane',
      version: 'v1.30.2',
      removedMemberIds: ['old-cp2'],
      etcdMemberId: 'new-cp2',
      address: '10.0.0.42',
      notes: ['the old host 10.0.0.12 does not answer: nothing was run on it'],
    };
    const end = await replaceKind.run({
      record,
      op,
      request,
      runChild: (async (_type: string, options: { args: [RejoinInput] }) => {
        sent = options.args[0];
        return result;
      }) as never,
    });
    expect(op.summary).toBe('replace cp2 (control-plane) 10.0.0.12 -> 10.0.0.42');
    expect(sent).toMatchObject({ node: 'cp2', address: '10.0.0.42', requestedBy: 'alice@ops' });
    expect(sent?.spec.hosts.find((h) => h.name === 'cp2')?.address).toBe('10.0.0.12');
    expect(record.spec?.hosts.find((h) => h.name === 'cp2')?.address).toBe('10.0.0.42');
    expect(record.nodes.find((n) => n.name === 'cp2')).toMatchObject({ address: '10.0.0.42', etcdMemberId: 'new-cp2', version: 'v1.30.2' });
    expect(end).toEqual({ outcome: 'succeeded', message: 'cp2 now at 10.0.0.42; etcd member old-cp2 removed; now member new-cp2; the old host 10.0.0.12 does not answer: nothing was run on it' });
  });
});
