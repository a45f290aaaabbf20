/**
 * kube-vip (the lab's default load balancer) as the simulator runs it from a static Pod
 * manifest: the leader serves the VIP once its API server is up, joins go through the VIP, and
 * the VIP moves to the surviving control plane when the leader's host is stopped.
 */
import { existsSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import type { LabHandle } from '../../lab';
import { readStore } from '../../lab/sim/store';
import { startTestLab } from '../helpers/lab';

jest.setTimeout(120_000);

const PREFIX = '127.0.45';
const VIP = `${PREFIX}.10`;
const PREPARE = 'swapoff -a && modprobe br_netfilter && sysctl -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 >/dev/null';
const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: kube-vip
  namespace: kube-system
spec:
  containers:
  - args: [manager]
    env:
    - {name: vip_arp, value: "true"}
    - {name: port, value: "6443"}
    - {name: cp_enable, value: "true"}
    - {name: vip_leaderelection, value: "true"}
    - {name: vip_leaseduration, value: "5"}
    - {name: vip_address, value: ${VIP}}
    image: ghcr.io/kube-vip/kube-vip:v0.8.0
    name: kube-vip
  hostNetwork: true
`;

let lab: LabHandle & { dispose(): Promise<void> };

async function ok(host: string, command: string): Promise<string> {
  const r = await lab.host(host).run(command, { timeoutMs: 90_000 });
  if (r.code !== 0) throw new Error(`${host}: \`${command}\` exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

function healthz(ca: string): Promise<string> {
  return new Promise((resolve) => {
    const req = https.get({ host: VIP, port: 6443, path: '/healthz', ca, timeout: 1_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(err.message));
  });
}

async function eventually(probe: () => Promise<string>, want: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    last = await probe();
    if (last === want) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

beforeAll(async () => {
  const compiled = path.join(__dirname, '..', '..', 'dist', 'lab', 'sim', 'kube-vip.js');
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npx tsc -p tsconfig.build.json\` before the lab tests`);
  lab = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 2, workers: 0, loadBalancer: 'kube-vip', timeScale: 600, installPackages: false });
  for (const h of ['cp1', 'cp2']) {
    await ok(h, `${PREPARE} && mkdir -p /etc/kubernetes/manifests && printf '%s' '${MANIFEST}' > /etc/kubernetes/manifests/kube-vip.yaml`);
  }
}, 60_000);

afterAll(async () => {
  await lab?.dispose();
});

test('the kube-vip leader serves the VIP, cp2 joins through it, and the VIP fails over when cp1 stops', async () => {
  await ok('cp1', `kubeadm init --control-plane-endpoint ${VIP}:6443 --upload-certs`);
  const ca = await ok('cp1', 'cat /etc/kubernetes/pki/ca.crt');
  expect(await eventually(() => healthz(ca), '200 ok', 5_000)).toBe('200 ok');
  expect(readStore(lab.dir).lease?.holder).toBe('cp1');
  const join = (await ok('cp1', 'kubeadm token create --print-join-command')).trim();
  const key = (await ok('cp1', 'kubeadm init phase upload-certs --upload-certs')).trim().split('\n').pop();
  expect(await ok('cp2', `${join} --control-plane --certificate-key ${key}`)).toContain('a new control plane instance was created');

  await lab.host('cp1').stop();
  expect(await eventually(() => healthz(ca), '200 ok', 10_000)).toBe('200 ok');
  expect(readStore(lab.dir).lease?.holder).toBe('cp2');
  expect(await ok('cp2', 'cat /var/log/kubeha-lab/pod-kube-vip.log')).toContain(`leader: serving ${VIP}:6443 -> ${PREFIX}.12:6443`);
});

const ETCD = `ETCDCTL_API=3 etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key`;

test('a restarted host boots its enabled kubelet, which brings etcd and the API server back', async () => {
  await lab.host('cp1').restart();
  const health = async () => {
    const r = await lab.host('cp1').run(`${ETCD} --endpoints=https://${PREFIX}.11:2379 endpoint health`, { timeoutMs: 20_000 });
    return (r.stdout + r.stderr).includes('is healthy') ? 'healthy' : r.stdout + r.stderr;
  };
  expect(await eventually(health, 'healthy', 20_000)).toBe('healthy');
  const readyz = async () => (await lab.host('cp1').run('kubectl get --raw=/readyz', { timeoutMs: 10_000 })).stdout;
  expect(await eventually(readyz, 'ok', 20_000)).toBe('ok');
});

test('kubeadm reset -f on cp2 removes its etcd member and its node, and frees its ports', async () => {
  const out = await ok('cp2', 'kubeadm reset -f');
  expect(out).toContain('[reset] Deleted contents of the etcd data directory: /var/lib/etcd\n');
  const members = JSON.parse(await ok('cp1', `${ETCD} --endpoints=https://${PREFIX}.11:2379 member list -w json`)) as { members: Array<{ name: string }> };
  expect(members.members.map((m) => m.name)).toEqual(['cp1']);
  expect(Object.keys(readStore(lab.dir).nodes)).toEqual(['cp1']);
  expect(await ok('cp2', 'ls -A /etc/kubernetes/manifests /var/lib/etcd; systemctl is-active kubelet || true')).toBe('/etc/kubernetes/manifests:\n\n/var/lib/etcd:\ninactive\n');
});
