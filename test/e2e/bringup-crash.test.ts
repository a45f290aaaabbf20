/**
 * The worker process is SIGKILLed during the control-plane joins and a new one started: the
 * bring-up completes, and kubeadm init ran exactly once (one initControlPlane activity in the
 * history, one kubeadm run recorded on cp1, cp1's cluster CA unchanged on the lab).
 */
import { etcdMembers, eventually, readyNodes, startRig, startedMemberNames, type Rig } from '../helpers/bringup';
import { loadSpecFile } from '../../src/spec/load';

jest.setTimeout(420_000);

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.48', name: 'bu-crash', controlPlanes: 3, workers: 1, loadBalancer: 'external' });
}, 180_000);

afterAll(async () => {
  await rig?.dispose();
});

interface HistoryEvent {
  eventId?: unknown;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number | null } | null;
}

it('a killed worker process mid-joins: a new one finishes the bring-up and kubeadm init ran once', async () => {
  const { spec } = await loadSpecFile(rig.specFile());
  await Promise.all(['cp2', 'cp3'].map((h) => rig.lab.host(h).slow(80)));
  const first = await rig.startChildWorker();
  const kubeha = rig.opened.kubeha;
  await kubeha.startBringUp(spec, { requestedBy: 'e2e@lab', tuning: { retryInitialIntervalMs: 500 } });
  await eventually(async () => ((await kubeha.progress(spec.name)).phase === 'join-control-planes' ? true : undefined), 'the control-plane joins', 120_000);
  const ca = await rig.ok('cp1', 'sha256sum /etc/kubernetes/pki/ca.crt');
  await first.kill();
  await new Promise((r) => setTimeout(r, 1_000));
  await rig.startChildWorker();

  const result = await kubeha.result(spec.name);
  expect(result.outcome).toBe('succeeded');
  expect(await rig.ok('cp1', 'sha256sum /etc/kubernetes/pki/ca.crt')).toBe(ca);
  const history = await rig.env.client.workflow.getHandle(rig.workflowId).fetchHistory();
  const events = (history.events ?? []) as HistoryEvent[];
  const inits = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'initControlPlane');
  expect(inits).toHaveLength(1);
  // kubeadm init ran once on the host: one run record, none archived (a retried activity attaches to the run).
  expect((await rig.ok('cp1', 'ls /var/lib/kubeha/runs')).trim().split('\n')).toEqual(['kubeadm-init']);
  expect((await rig.ok('cp1', 'cat /var/lib/kubeha/runs/kubeadm-init/exit')).trim()).toBe('0');
  const joins = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'joinNode');
  expect(joins).toHaveLength(0);
  expect(startedMemberNames(await etcdMembers(rig, 'cp1'))).toEqual(['cp1', 'cp2', 'cp3']);
  expect(await readyNodes(rig, 'cp1')).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
});
