/**
 * Faults during a real bring-up on the lab: the certificate key expires right after init (renewed,
 * joins succeed), cp2 is down when its join starts and comes back seconds later (retried,
 * joined), w2 is down for good (cluster succeeds, w2 reported failed).
 */
import { etcdMembers, eventually, readyNodes, startRig, startedMemberNames, type Rig } from '../helpers/bringup';
import { loadSpecFile } from '../../src/spec/load';

jest.setTimeout(300_000);

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.47', name: 'bu-faults', controlPlanes: 3, workers: 2, loadBalancer: 'external' });
  await rig.startWorker();
}, 180_000);

afterAll(async () => {
  await rig?.dispose();
});

it('renews an expired certificate key, retries a control plane that was down, reports a dead worker and still succeeds', async () => {
  const { spec } = await loadSpecFile(rig.specFile((doc) => void (doc.spec.approvals = ['before-init'])));
  const kubeha = rig.opened.kubeha;
  await kubeha.startBringUp(spec, { requestedBy: 'e2e@lab', tuning: { retryInitialIntervalMs: 500, workerJoinMaxAttempts: 3 } });
  await eventually(async () => ((await kubeha.progress(spec.name)).pendingApprovals.length > 0 ? true : undefined), 'the before-init gate');
  await rig.lab.host('cp2').stop();
  await rig.lab.host('w2').stop();
  await kubeha.approve(spec.name, 'before-init', 'ops@lab');
  await eventually(async () => ((await kubeha.progress(spec.name)).steps.find((s) => s.id === 'init')?.status === 'succeeded' ? true : undefined), 'init to succeed', 120_000);
  await rig.lab.expireCertificateKey();
  await new Promise((r) => setTimeout(r, 6_000));
  await rig.lab.host('cp2').restart();

  const result = await kubeha.result(spec.name);
  const progress = await kubeha.progress(spec.name);
  if (result.outcome !== 'succeeded') throw new Error(`expected success, got ${JSON.stringify(result)}`);
  expect(result.report.failedWorkers).toEqual(['w2']);
  expect(result.report.hosts.find((h) => h.name === 'w2')?.state).toBe('failed');
  const cp2 = result.report.hosts.find((h) => h.name === 'cp2');
  expect(cp2?.state).toBe('succeeded');
  expect(cp2?.attempts).toBeGreaterThan(1);
  expect(progress.renewals.certificateKey).toBeGreaterThanOrEqual(1);
  expect(startedMemberNames(await etcdMembers(rig, 'cp1'))).toEqual(['cp1', 'cp2', 'cp3']);
  expect(await readyNodes(rig, 'cp1')).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
});
