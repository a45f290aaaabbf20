/** Issue 4's Done-when with `--lb kube-vip`: 3 control planes + 3 workers through kubeha up --follow on the lab. */
import { PassThrough } from 'node:stream';
import { runUp } from '../../src/client/commands/up';
import { etcdMembers, readyNodes, startRig, startedMemberNames, type Rig } from '../helpers/bringup';

jest.setTimeout(300_000);

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ addressPrefix: '127.0.42', name: 'bu-kube-vip', controlPlanes: 3, workers: 3, loadBalancer: 'kube-vip' });
  await rig.startWorker();
}, 180_000);

afterAll(async () => {
  await rig?.dispose();
});

it('kubeha up --follow brings up 3 control planes + 3 workers with kube-vip: 3 started etcd members, 6 Ready nodes', async () => {
  let printed = '';
  const out = new PassThrough();
  out.on('data', (c: Buffer) => (printed += c.toString()));
  const started = Date.now();
  const err = await runUp({ file: rig.specFile(), follow: true, by: 'e2e@lab', stdout: out, stderr: new PassThrough(), ...rig.flags }).catch((e: unknown) => e ?? 'failed');
  process.stdout.write(`kube-vip 3+3 bring-up took ${Date.now() - started} ms\n`);
  expect({ err: err === undefined ? undefined : String(err), printed: err === undefined ? '' : printed }).toEqual({ err: undefined, printed: '' });
  expect(printed).toContain(`cluster ${rig.name} is up: 6/6 hosts, 3 etcd members`);
  expect(startedMemberNames(await etcdMembers(rig, 'cp1'))).toEqual(['cp1', 'cp2', 'cp3']);
  expect(await readyNodes(rig, 'cp1')).toEqual(['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3']);
  for (const cp of ['cp1', 'cp2', 'cp3']) {
    expect(await rig.ok(cp, 'ls /etc/kubernetes/manifests')).toContain('kube-vip.yaml');
    // v1.30: cp1's kube-vip used super-admin.conf during init only; no manifest mounts it afterwards.
    expect({ cp, superAdmin: (await rig.ok(cp, 'grep -l super-admin.conf /etc/kubernetes/manifests/*.yaml || true')).trim() }).toEqual({ cp, superAdmin: '' });
    expect(await rig.ok(cp, 'cat /etc/kubernetes/manifests/kube-vip.yaml')).toContain('path: /etc/kubernetes/admin.conf');
  }
});
