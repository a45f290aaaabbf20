import { certificatesJson, codecKeysJson, drillJson, jsonText, upgradeDryRunJson } from '../../../src/client/json-output';
import type { CertificatesResult, DrillProgress, OperationRecord } from '../../../src/shared/operations';

const op = (outcome: OperationRecord['outcome']): OperationRecord => ({
  id: 'op-2',
  kind: 'drill',
  summary: 'drill',
  requestedBy: 'ann@desk',
  requestedAt: '2026-01-01T00:00:00.000Z',
  workflowId: 'kubeha-drill-c1-op-2',
  state: 'ended',
  ...(outcome ? { outcome } : {}),
});

it('certs --json: the operation and the per-host result, an unknown earliest expiry as null', () => {
  const result: CertificatesResult = {
    action: 'check',
    renewWithinDays: 30,
    hosts: [{ host: 'cp1', certificates: [{ name: 'apiserver', expires: '2027-01-01T00:00:00Z', residual: '364d', authority: 'ca', externallyManaged: false }], authorities: [], renewed: false }],
    renewed: [],
    warnings: ['cp1: kubelet rotateCertificates is off'],
  };
  const doc = JSON.parse(jsonText(certificatesJson('c1', op('succeeded'), result))) as Record<string, unknown>;
  expect(Object.keys(doc)).toEqual(['cluster', 'operation', 'action', 'renewWithinDays', 'earliestExpiry', 'renewed', 'warnings', 'hosts']);
  expect(doc).toMatchObject({ cluster: 'c1', operation: { id: 'op-2', outcome: 'succeeded' }, earliestExpiry: null, hosts: [{ host: 'cp1', certificates: [{ name: 'apiserver', residual: '364d' }] }] });
});

it('drill --json: passed or failed from the operation, the rows and the failure whatever the outcome', () => {
  const progress: DrillProgress = {
    cluster: 'c1',
    maxOutageMs: 10_000,
    requestedBy: 'ann@desk',
    phase: 'failed',
    steps: [],
    rows: [{ host: 'cp1', stopped: ['kube-apiserver', 'etcd'], outageMs: 12_000, verdict: 'failed', problems: ['outage 12000 ms > 10000 ms'] } as DrillProgress['rows'][number]],
    failure: { step: 'drill-control-planes', host: 'cp1', message: 'outage too long', rows: [] },
  };
  expect(drillJson('c1', op('failed'), progress)).toEqual({ cluster: 'c1', operation: op('failed'), outcome: 'failed', maxOutageMs: 10_000, rows: progress.rows, failure: progress.failure });
  expect(drillJson('c1', op('succeeded'), { ...progress, failure: undefined })).toMatchObject({ outcome: 'passed', failure: null });
  expect(drillJson('c1', undefined, undefined)).toEqual({ cluster: 'c1', operation: null, outcome: 'unknown', maxOutageMs: null, rows: [], failure: null });
});

it('codec keys --json and upgrade --dry-run --json keep their documented fields', () => {
  expect(codecKeysJson(['kubeha-new', 'kubeha-old'])).toEqual({ current: 'kubeha-new', keys: ['kubeha-new', 'kubeha-old'] });
  const steps = [{ id: 'upgrade-kubeadm', title: 'Upgrade kubeadm', hosts: ['cp1'], mode: { kind: 'serial' as const } }];
  expect(Object.keys(upgradeDryRunJson({ cluster: 'c1', from: 'v1.30.2', to: 'v1.31.0', maxUnavailable: 1, waitsBehind: 0, steps: steps as never }))).toEqual(['cluster', 'from', 'to', 'maxUnavailable', 'waitsBehind', 'steps']);
});
