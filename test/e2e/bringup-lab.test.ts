/**
 * Issue 4's Done-when on the lab: `kubeha up --follow` (runUp) with the real activities over real
 * SSH brings up 3 control planes + 3 workers behind HAProxy; the lab's real etcd and kubectl
 * are the evidence, and the finished histories hold neither the token nor the certificate key.
 */
import { PassThrough } from 'node:stream';
import { runUp } from '../../src/client/commands/up';
import { etcdMembers, readyNodes, startRig, startedMemberNames, type Rig } from '../helpers/bringup';

jest.setTimeout(300_000);

let rig: Rig;
const out = new PassThrough();
let printed = '';
out.on('data', (c: Buffer) => (printed += c.toString()));

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.41', name: 'bu-haproxy', controlPlanes: 3, workers: 3, loadBalancer: 'haproxy' });
  await rig.startWorker();
}, 180_000);

afterAll(async () => {
  await rig?.dispose();
});

it('kubeha up --follow brings up 3 control planes + 3 workers behind haproxy: 3 started etcd members, 6 Ready nodes', async () => {
  const started = Date.now();
  await runUp({ file: rig.specFile(), follow: true, by: 'e2e@lab', stdout: out, stderr: new PassThrough(), ...rig.flags }).catch((err: unknown) => {
    throw new Error(`up failed: ${String(err)}\n--- up printed:\n${printed}`);
  });
  process.stdout.write(`haproxy 3+3 bring-up took ${Date.now() - started} ms\n`);
  expect(printed).toContain(`cluster ${rig.name} is up: 6/6 hosts, 3 etcd members`);
  expect(startedMemberNames(await etcdMembers(rig, 'cp1'))).toEqual(['cp1', 'cp2', 'cp3']);
  expect(await readyNodes(rig, 'cp1')).toEqual(['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3']);
});
