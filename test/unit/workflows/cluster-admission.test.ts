import type { OperationRequest } from '../../../src/shared/operations';
import type { ClusterSpec } from '../../../src/spec/types';
import { admissionProblem } from '../../../src/workflows/cluster/admission';
import { requestProblems } from '../../../src/workflows/cluster/request-schema';
import { emptyState, endOperation, HISTORY_KEPT, type ClusterState } from '../../../src/workflows/cluster/state';

const spec = { name: 'prod', kubernetesVersion: 'v1.30.2', hosts: [] } as unknown as ClusterSpec;
const bringUp: OperationRequest = { kind: 'bring-up', spec, requestedBy: 'alice@ops' };
const upgrade = (to: string): OperationRequest => ({ kind: 'upgrade', to, requestedBy: 'bot' });

function broughtUp(version = 'v1.30.2', nodeVersions: string[] = [version, version]): ClusterState {
  const state = emptyState('prod');
  state.record.spec = { ...spec, kubernetesVersion: version };
  state.record.kubernetesVersion = version;
  state.record.nodes = nodeVersions.map((v, i) => ({ name: `n${i}`, address: `10.0.0.${i}`, role: 'worker', version: v }));
  return state;
}

function queue(state: ClusterState, request: OperationRequest): void {
  state.queue.push({ request, record: { id: `op-${state.queue.length + 1}`, kind: request.kind, summary: '', requestedBy: request.requestedBy, requestedAt: '', workflowId: 'w', state: 'queued' } });
}

describe('what the cluster workflow admits', () => {
  it('takes the first bring-up, and refuses a second while one is queued or running, or after one succeeded', () => {
    const state = emptyState('prod');
    expect(admissionProblem(state, bringUp)).toBeUndefined();
    queue(state, bringUp);
    expect(admissionProblem(state, bringUp)).toBe('cluster prod is already being brought up (workflow kubeha-bringup-prod)');
    expect(admissionProblem(emptyState('prod'), bringUp, bringUp)).toContain('already being brought up');
    expect(admissionProblem(broughtUp(), bringUp)).toBe('cluster prod was already brought up successfully (workflow kubeha-bringup-prod)');
  });

  it("refuses a spec of another cluster, and an upgrade before there is a cluster", () => {
    expect(admissionProblem(emptyState('prod'), { ...bringUp, spec: { ...spec, name: 'other' } })).toBe('the spec describes cluster other, but this is the workflow of cluster prod');
    expect(admissionProblem(emptyState('prod'), upgrade('v1.31.0'))).toBe('cluster prod has no successful bring-up to upgrade');
    const bringing = emptyState('prod');
    queue(bringing, bringUp);
    expect(admissionProblem(bringing, upgrade('v1.31.0'))).toContain('still being brought up');
  });

  it("applies kubeadm's skew rules from the recorded version: patch and next minor yes, skipped minor and downgrade no", () => {
    expect(admissionProblem(broughtUp(), upgrade('v1.30.5'))).toBeUndefined();
    expect(admissionProblem(broughtUp(), upgrade('v1.31.0'))).toBeUndefined();
    expect(admissionProblem(broughtUp(), upgrade('v1.32.0'))).toMatch(/^cluster prod runs v1\.30\.2: .*one minor at a time/);
    expect(admissionProblem(broughtUp(), upgrade('v1.29.9'))).toMatch(/^cluster prod runs v1\.30\.2: .*downgrade/);
    expect(admissionProblem(broughtUp(), upgrade('v1.30.2'))).toContain('already at');
  });

  it('judges a new upgrade from the target of the ones queued before it, and takes the same target again (it resumes or checks)', () => {
    const state = broughtUp();
    queue(state, upgrade('v1.31.0'));
    expect(admissionProblem(state, upgrade('v1.31.0'))).toBeUndefined();
    expect(admissionProblem(state, upgrade('v1.32.1'))).toBeUndefined();
    expect(admissionProblem(state, upgrade('v1.33.0'))).toMatch(/^cluster prod will run v1\.31\.0 after the queued upgrades: .*one minor at a time/);
  });

  it('takes the recorded version again while some node has not followed it (an upgrade that stopped half-way)', () => {
    expect(admissionProblem(broughtUp('v1.31.0', ['v1.31.0', 'v1.30.2']), upgrade('v1.31.0'))).toBeUndefined();
    expect(admissionProblem(broughtUp('v1.31.0', ['v1.31.0', 'v1.31.0']), upgrade('v1.31.0'))).toContain('already at');
  });
});

describe('operation requests as the update carries them', () => {
  it('accepts well-formed upgrade requests', () => {
    expect(requestProblems({ kind: 'upgrade', to: 'v1.31.0', requestedBy: 'bot', maxUnavailable: 2 })).toEqual([]);
  });

  it('names what is wrong: unknown kinds and fields, bad versions, bounds, a multi-line requester, a bring-up without a valid spec', () => {
    expect(requestProblems({ kind: 'format-disks', requestedBy: 'x' }).join(' ')).toMatch(/kind/);
    expect(requestProblems({ kind: 'upgrade', to: '1.31', requestedBy: 'x' }).join(' ')).toContain('"1.31" is not a Kubernetes version');
    expect(requestProblems({ kind: 'upgrade', to: 'v1.31.0', requestedBy: 'x', maxUnavailable: 0 }).join(' ')).toMatch(/maxUnavailable/);
    expect(requestProblems({ kind: 'upgrade', to: 'v1.31.0', requestedBy: 'a\nb' }).join(' ')).toContain('requestedBy must be one line');
    expect(requestProblems({ kind: 'upgrade', to: 'v1.31.0', requestedBy: 'x', sshKey: '/root/.ssh/id' }).join(' ')).toMatch(/sshKey/);
    expect(requestProblems({ kind: 'bring-up', requestedBy: 'x', spec: { name: 'c' } }).some((p) => p.startsWith('spec '))).toBe(true);
  });
});

describe('the record', () => {
  it(`keeps the last ${HISTORY_KEPT} ended operations`, () => {
    const state = broughtUp();
    for (let i = 0; i < HISTORY_KEPT + 5; i++) {
      const op = { id: `op-${i}`, kind: 'upgrade' as const, summary: '', requestedBy: 'x', requestedAt: '', workflowId: 'w', state: 'running' as const };
      state.record.current = op;
      endOperation(state, op, 't', 'succeeded');
    }
    expect(state.record.history).toHaveLength(HISTORY_KEPT);
    expect(state.record.history[0]?.id).toBe('op-5');
    expect(state.record.current).toBeUndefined();
  });
});
