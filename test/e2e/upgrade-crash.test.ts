/**
 * Issue 10: the worker process is SIGKILLed while `kubeadm upgrade apply` runs on cp1 (held open
 * by the lab's slow fault, which the simulated upgrade honours), and a new one started. The
 * upgrade completes, and apply's effects happened once: one apply activity in the history (its
 * attempt retried, attached to the detached run or finding it finished), one run record on cp1
 * that exited 0, the cluster version stored once (the lab's `upgrades.jsonl`), cp1's CA unchanged.
 */
import { Client } from '@temporalio/client';
import { readUpgradeRecord } from '../../lab/sim/kubeadm/upgrade-record';
import { kubehaDataConverter, loadCodec } from '../../src/codec';
import { approveUpdate } from '../../src/shared/messages';
import { UPGRADE_WORKFLOW_TYPE, upgradeProgressQuery, upgradeWorkflowId, type UpgradeInput, type UpgradeResult } from '../../src/shared/operations';
import { ADMIN_CONF, eventually, startRig, type Rig } from '../helpers/bringup';

jest.setTimeout(300_000);

const FROM = 'v1.30.2';
const TO = 'v1.31.1';
const APPLY_RUN = `/var/lib/kubeha/runs/kubeadm-upgrade-apply-${TO}`;
/**
 * apply models 2 min (pulls, three static Pods, addons): 0.2 s at timeScale 600, 40 s at 200x —
 * longer than the apply activity's 30 s heartbeat timeout, so the retry finds the run still going.
 */
const APPLY_SLOW = 200;

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.64', name: 'upg-crash', controlPlanes: 1, workers: 1, loadBalancer: 'external', kubernetesVersion: FROM });
}, 180_000);

afterAll(async () => {
  await rig?.dispose();
});

interface HistoryEvent {
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number | null } | null;
  eventId?: unknown;
}

it('a worker SIGKILLed during kubeadm upgrade apply: a new one finishes the upgrade and apply took effect once', async () => {
  const started = Date.now();
  const first = await rig.startChildWorker();
  const kubeha = rig.opened.kubeha;
  await kubeha.startBringUp(rig.spec, { requestedBy: 'e2e@lab', tuning: { retryInitialIntervalMs: 500 } });
  const up = await kubeha.result(rig.spec.name);
  if (up.outcome !== 'succeeded') throw new Error(`bring-up: ${JSON.stringify(up)}`);
  const broughtUp = Date.now();
  const ca = await rig.ok('cp1', 'sha256sum /etc/kubernetes/pki/ca.crt');

  const client = new Client({ connection: rig.env.connection, dataConverter: kubehaDataConverter(loadCodec().codec) });
  const input: UpgradeInput = { spec: rig.spec, to: TO, maxUnavailable: 1, requestedBy: 'e2e@lab', tuning: { retryInitialIntervalMs: 500, nodeReadyTimeoutMs: 60_000, etcdHealthyTimeoutMs: 30_000 } };
  const handle = await client.workflow.start(UPGRADE_WORKFLOW_TYPE, { taskQueue: rig.flags.taskQueue, workflowId: upgradeWorkflowId(rig.spec.name, 'crash-1'), args: [input] });
  await eventually(async () => ((await handle.query(upgradeProgressQuery)).pendingApprovals.some((p) => p.gate === 'before-upgrade-apply') ? true : undefined), 'the before-upgrade-apply gate', 120_000);
  await rig.lab.host('cp1').slow(APPLY_SLOW);
  await handle.executeUpdate(approveUpdate, { args: [{ gate: 'before-upgrade-apply', by: 'approver@lab' }] });

  // apply started detached on cp1 and has not finished: kill the worker that follows it.
  await eventually(async () => ((await rig.ok('cp1', `test -f ${APPLY_RUN}/pid && ! test -f ${APPLY_RUN}/exit && echo running || true`)).trim() === 'running' ? true : undefined), 'kubeadm upgrade apply running on cp1', 60_000);
  await new Promise((r) => setTimeout(r, 2_000));
  expect((await rig.ok('cp1', `test -f ${APPLY_RUN}/exit && echo finished || echo running`)).trim()).toBe('running');
  await first.kill();
  const killedAt = Date.now();
  await rig.startChildWorker();

  const result = (await handle.result()) as UpgradeResult;
  process.stdout.write(`bring-up ${broughtUp - started} ms; upgrade done ${Date.now() - killedAt} ms after the kill\n`);
  expect(result).toMatchObject({ outcome: 'succeeded', from: FROM, to: TO });

  const nodes = JSON.parse(await rig.ok('cp1', `kubectl --kubeconfig ${ADMIN_CONF} get nodes -o json`)) as { items: Array<{ metadata: { name: string }; status: { nodeInfo: { kubeletVersion: string } }; spec?: { unschedulable?: boolean } }> };
  expect(nodes.items.map((n) => [n.metadata.name, n.status.nodeInfo.kubeletVersion, n.spec?.unschedulable ?? false]).sort()).toEqual([
    ['cp1', TO, false],
    ['w1', TO, false],
  ]);
  expect(await rig.ok('cp1', 'sha256sum /etc/kubernetes/pki/ca.crt')).toBe(ca);

  // One run of apply on cp1 (none archived, exit 0), and its upload-config stored the version once.
  expect((await rig.ok('cp1', 'ls /var/lib/kubeha/runs | grep "^kubeadm-upgrade-apply" || true')).trim().split('\n')).toEqual([`kubeadm-upgrade-apply-${TO}`]);
  expect((await rig.ok('cp1', `cat ${APPLY_RUN}/exit`)).trim()).toBe('0');
  expect(readUpgradeRecord(rig.lab.dir).map(({ host, from, to }) => ({ host, from, to }))).toEqual([{ host: 'cp1', from: FROM, to: TO }]);

  // One apply activity, which the kill made retry (its recorded start is a later attempt).
  const events = ((await handle.fetchHistory()).events ?? []) as HistoryEvent[];
  const applies = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'kubeadmUpgradeApply');
  expect(applies).toHaveLength(1);
  const applyStart = events.find((e) => e.activityTaskStartedEventAttributes && String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(applies[0]?.eventId));
  expect(applyStart?.activityTaskStartedEventAttributes?.attempt).toBeGreaterThanOrEqual(2);
});
