import path from 'node:path';
import type { ApplicationFailure } from '@temporalio/common';
import type { OperationRequest, ResetInput } from '../../../src/shared/operations';
import { loadSpecFile } from '../../../src/spec/load';
import type { ClusterSpec, HostSpec } from '../../../src/spec/types';
import { admissionProblem } from '../../../src/workflows/cluster/admission';
import { forgetCluster } from '../../../src/workflows/cluster/kinds/reset';
import { requestProblems } from '../../../src/workflows/cluster/request-schema';
import { emptyState, type ClusterState } from '../../../src/workflows/cluster/state';
import { decideHostReset } from '../../../src/workflows/reset/decide';
import { describeDestruction, planReset } from '../../../src/workflows/reset/plan';
import { assertValidReset } from '../../../src/workflows/reset/validate';

const host = (name: string, role: HostSpec['role'], i: number): HostSpec => ({ name, role, address: `10.0.0.${i}` }) as HostSpec;

function spec(controlPlanes: number, workers: number, options: { topology?: 'stacked' | 'external'; lb?: boolean } = {}): ClusterSpec {
  const hosts = [
    ...Array.from({ length: controlPlanes }, (_, i) => host(`cp${i + 1}`, 'control-plane', 11 + i)),
    ...Array.from({ length: workers }, (_, i) => host(`w${i + 1}`, 'worker', 21 + i)),
    ...(options.lb ? [host('lb', 'load-balancer', 10)] : []),
  ];
  return { name: 'c', kubernetesVersion: 'v1.30.2', controlPlaneEndpoint: '10.0.0.10:6443', hosts, etcd: { topology: options.topology ?? 'stacked' } } as unknown as ClusterSpec;
}

const plan = (s: ClusterSpec, workerParallelism = 5) => planReset({ spec: s, tuning: { workerParallelism } }).map((p) => p.description);

describe('reset phase declarations', () => {
  it('approval first, then the workers in parallel, the other control planes one at a time (last joined first), the first control plane last', () => {
    const steps = plan(spec(3, 2, { lb: true }), 3);
    expect(steps.map((s) => [s.id, s.hosts.map((h) => h.name), s.mode])).toEqual([
      ['approve-before-reset', [], { kind: 'serial' }],
      ['reset-workers', ['w1', 'w2'], { kind: 'parallel', limit: 3 }],
      ['reset-control-planes', ['cp3', 'cp2'], { kind: 'serial' }],
      ['reset-first-control-plane', ['cp1'], { kind: 'serial' }],
    ]);
    expect(steps[0]?.gate).toEqual({ name: 'before-reset' });
  });

  it('a load balancer host is never a step host', () => {
    expect(plan(spec(3, 2, { lb: true })).flatMap((s) => s.hosts.map((h) => h.role))).not.toContain('load-balancer');
  });

  it('without workers or other control planes, those steps are left out', () => {
    expect(plan(spec(1, 0)).map((s) => s.id)).toEqual(['approve-before-reset', 'reset-first-control-plane']);
  });

  it("the gate's timeout comes from the spec", () => {
    const s = { ...spec(1, 0), approvalTimeoutsMs: { 'before-reset': 60_000 } } as ClusterSpec;
    expect(plan(s)[0]?.gate).toEqual({ name: 'before-reset', timeoutMs: 60_000 });
  });

  it('titles of a stacked cluster name the etcd member; of an external one they do not', () => {
    expect(plan(spec(3, 0))[1]?.title).toContain('etcd member');
    expect(plan(spec(3, 0, { topology: 'external' }))[1]?.title).not.toContain('etcd');
  });
});

describe('what the before-reset gate shows', () => {
  it('every host, in the order the reset takes it, with what it loses', () => {
    const s = spec(3, 1, { lb: true });
    const lines = describeDestruction(s, plan(s)).split('\n');
    expect(lines[0]).toBe('kubeha reset destroys cluster c (v1.30.2, endpoint 10.0.0.10:6443):');
    expect(lines.slice(1, 5)).toEqual([
      '  w1 (10.0.0.21) worker: drained, Node deleted, kubeadm reset -f',
      '  cp3 (10.0.0.13) control plane: etcd member removed, Node deleted, kubeadm reset -f',
      '  cp2 (10.0.0.12) control plane: etcd member removed, Node deleted, kubeadm reset -f',
      '  cp1 (10.0.0.11) control plane, last: kubeadm reset -f (the etcd data, and with it every Kubernetes object, is deleted)',
    ]);
    expect(lines.find((l) => l.startsWith('  lb '))).toContain('left running');
  });

  it('with external etcd: no member removed, and the etcd cluster is said to be left as it is', () => {
    const s = spec(2, 0, { topology: 'external' });
    const text = describeDestruction(s, plan(s));
    expect(text).not.toContain('etcd member removed');
    expect(text).toContain('the external etcd cluster is not touched');
  });
});

describe('how one host is torn down', () => {
  const clean = { clean: true };
  const dirty = { clean: false };

  it('the first control plane: nothing to remove it through, only its reset', () => {
    expect(decideHostReset({ isFirst: true, role: 'control-plane', host: dirty })).toEqual({ drain: false, forget: false });
  });

  it('while the first control plane has the cluster: a worker is drained and forgotten, a control plane forgotten', () => {
    expect(decideHostReset({ isFirst: false, role: 'worker', host: dirty, first: dirty })).toEqual({ drain: true, forget: true });
    expect(decideHostReset({ isFirst: false, role: 'control-plane', host: dirty, first: dirty })).toEqual({ drain: false, forget: true });
  });

  it('a host found clean (wiped, or reset by an earlier attempt) is still forgotten while the cluster is there, but not drained', () => {
    expect(decideHostReset({ isFirst: false, role: 'worker', host: clean, first: dirty })).toEqual({ drain: false, forget: true });
    expect(decideHostReset({ isFirst: false, role: 'control-plane', host: clean, first: dirty })).toEqual({ drain: false, forget: true });
  });

  it('once the first control plane is reset there is nothing left to remove any host through', () => {
    for (const h of [clean, dirty]) for (const role of ['worker', 'control-plane'] as const) expect(decideHostReset({ isFirst: false, role, host: h, first: clean })).toEqual({ drain: false, forget: false });
  });
});

describe('what the cluster workflow admits for a reset', () => {
  const reset = (tuning?: Record<string, number>): OperationRequest => ({ kind: 'reset', requestedBy: 'alice@ops', ...(tuning ? { tuning } : {}) });
  function broughtUp(s: ClusterSpec): ClusterState {
    const state = emptyState('c');
    state.record.spec = s;
    state.record.kubernetesVersion = s.kubernetesVersion;
    state.record.nodes = s.hosts.filter((h) => h.role !== 'load-balancer').map((h) => ({ name: h.name, address: h.address, role: h.role }));
    return state;
  }

  it('a brought-up cluster', () => {
    expect(admissionProblem(broughtUp(spec(3, 1)), reset())).toBeUndefined();
  });

  it('refuses a cluster without a successful bring-up, or one still being brought up', () => {
    expect(admissionProblem(emptyState('c'), reset())).toBe('cluster c has no successful bring-up to reset');
    const bringUp = { kind: 'bring-up', requestedBy: 'a', spec: spec(1, 0) } as OperationRequest;
    expect(admissionProblem(emptyState('c'), reset(), bringUp)).toContain('still being brought up');
  });

  it('refuses a second reset while one is running or queued', () => {
    expect(admissionProblem(broughtUp(spec(3, 1)), reset(), reset())).toBe('cluster c already has a reset running or queued');
  });

  it('checks the request shape: tuning knobs are bounded numbers', () => {
    expect(requestProblems(reset())).toEqual([]);
    expect(requestProblems(reset({ workerParallelism: -1 })).join('\n')).toMatch(/tuning/);
    expect(requestProblems({ kind: 'reset', requestedBy: '' }).join('\n')).toMatch(/requestedBy/);
  });

  it('after a reset the record forgets the cluster (a new bring-up is admitted), its history stays', () => {
    const state = broughtUp(spec(3, 1));
    state.record.history.push({ id: 'op-1', kind: 'bring-up' } as ClusterState['record']['history'][number]);
    forgetCluster(state.record);
    expect([state.record.spec, state.record.kubernetesVersion, state.record.nodes, state.record.history.length]).toEqual([undefined, undefined, [], 1]);
    const bringUp = { kind: 'bring-up', requestedBy: 'a', spec: spec(3, 1) } as OperationRequest;
    expect(admissionProblem(state, bringUp)).toBeUndefined();
    expect(admissionProblem(state, reset())).toBe('cluster c has no successful bring-up to reset');
  });
});

describe('the worker re-validates a reset input', () => {
  let valid: ResetInput;
  beforeAll(async () => {
    const { spec: s } = await loadSpecFile(path.join(__dirname, '../../../examples/ha-3-masters.yaml'), { homeDir: '/home/user' });
    valid = { spec: s, requestedBy: 'alice@ops' };
  });
  const refusal = (input: unknown): string => {
    try {
      assertValidReset(input as ResetInput);
      return 'accepted';
    } catch (err) {
      const f = err as ApplicationFailure;
      return `${f.type} ${String(f.nonRetryable)}: ${f.message}`;
    }
  };

  it('takes a valid spec and who asks, with or without bounded tuning', () => {
    expect(refusal(valid)).toBe('accepted');
    expect(refusal({ ...valid, tuning: { workerParallelism: 2, drainTimeoutMs: 30_000, retryInitialIntervalMs: 500 } })).toBe('accepted');
  });

  it('refuses, never to be retried, what is not an input, a bad spec, nobody asking, or tuning out of bounds or unknown', () => {
    expect(refusal(null)).toBe('InvalidSpec true: the reset input is not an object');
    expect(refusal({ ...valid, spec: { ...valid.spec, hosts: 'x' } })).toMatch(/^InvalidSpec true: .*hosts/);
    expect(refusal({ ...valid, requestedBy: ' ' })).toMatch(/^InvalidSpec true: the reset request is refused: `requestedBy` must name who asks/);
    expect(refusal({ ...valid, tuning: { workerParallelism: 0 } })).toContain('`tuning.workerParallelism` must be a whole number from 1 to 100');
    expect(refusal({ ...valid, tuning: { drainTimeoutMs: 0 } })).toContain('`tuning.drainTimeoutMs` must be a whole number from 1000');
    expect(refusal({ ...valid, tuning: { retryInitialIntervalMs: 1.5 } })).toContain('`tuning.retryInitialIntervalMs`');
    expect(refusal({ ...valid, tuning: { sshKey: 1 } })).toContain('`tuning.sshKey` is not a reset knob');
  });
});
