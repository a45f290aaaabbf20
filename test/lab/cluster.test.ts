/**
 * The simulator's Done-when, over real SSH into lab hosts: kubeadm init's join command lets a
 * second control plane join (real etcd member add), the certificate key expires with lab time,
 * real etcdctl sees the members, and the external HAProxy keeps the VIP serving with a control
 * plane down.
 */
import { existsSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import type { LabHandle } from '../../lab';
import { startTestLab, CERTS_SECRET_GONE, hostCommands } from '../helpers/lab';

const PREFIX = '127.0.44';
const VIP = `${PREFIX}.10`;
/** Certificate key TTL 2 h -> 24 s; bootstrap token 24 h -> 288 s; init 60 s -> 0.2 s. */
const TIME_SCALE = 300;
const KEY_TTL_MS = (2 * 3600_000) / TIME_SCALE;
const ETCD_FLAGS = '--cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key';
const PREPARE = 'swapoff -a && modprobe br_netfilter && sysctl -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 >/dev/null';
const EXPIRED = CERTS_SECRET_GONE;

jest.setTimeout(120_000);

let lab: LabHandle & { dispose(): Promise<void> };

const { run, ok } = hostCommands(() => lab);

function healthzThroughVip(ca: string): Promise<string> {
  return new Promise((resolve) => {
    const req = https.get({ host: VIP, port: 6443, path: '/healthz', ca, servername: VIP, timeout: 2_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(err.message));
  });
}

beforeAll(async () => {
  const compiled = path.join(__dirname, '..', '..', 'dist', 'lab', 'sim', 'kubeadm.js');
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npx tsc -p tsconfig.build.json\` before the lab tests`);
  lab = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 3, workers: 1, loadBalancer: 'external', timeScale: TIME_SCALE, installPackages: false });
  await Promise.all(['cp1', 'cp2', 'cp3', 'w1'].map((h) => ok(h, PREPARE)));
}, 60_000);

afterAll(async () => {
  await lab?.dispose();
});

describe('an HA cluster from the simulator over real SSH', () => {
  let cpJoin = '';
  let workerJoin = '';
  /** No earlier than the Secret's upload: init has returned. */
  let uploadedAt = 0;

  test('preflight refuses a host with swap on, in kubeadm\'s format', async () => {
    const r = await run('w1', 'swapon -a && kubeadm init; rc=$?; swapoff -a; exit $rc');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[preflight] Some fatal errors occurred:\n\t[ERROR Swap]: running with swap on is not supported. Please disable swap\n[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`');
  });

  test('kubeadm init prints both join commands with token, CA hash and certificate key', async () => {
    const out = await ok('cp1', `kubeadm init --control-plane-endpoint ${VIP}:6443 --upload-certs --pod-network-cidr 10.244.0.0/16`);
    uploadedAt = Date.now();
    expect(out).toContain('Your Kubernetes control-plane has initialized successfully!');
    expect(out).toContain('You can now join any number of control-plane nodes running the following command on each as root:');
    expect(out).toContain('Please note that the certificate-key gives access to cluster sensitive data, keep it secret!');
    expect(out).toContain('As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use\n"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.');
    const cp = /kubeadm join (\S+) --token ([a-z0-9]{6}\.[a-z0-9]{16}) \\\n\t--discovery-token-ca-cert-hash (sha256:[0-9a-f]{64}) \\\n\t--control-plane --certificate-key ([0-9a-f]{64})/.exec(out);
    expect(cp).not.toBeNull();
    expect(cp?.[1]).toBe(`${VIP}:6443`);
    cpJoin = `kubeadm join ${cp?.[1]} --token ${cp?.[2]} --discovery-token-ca-cert-hash ${cp?.[3]} --control-plane --certificate-key ${cp?.[4]}`;
    const worker = /Then you can join any number of worker nodes by running the following on each as root:\n\nkubeadm join (\S+) --token (\S+) \\\n\t--discovery-token-ca-cert-hash (\S+) /.exec(out);
    expect(worker).not.toBeNull();
    workerJoin = `kubeadm join ${worker?.[1]} --token ${worker?.[2]} --discovery-token-ca-cert-hash ${worker?.[3]}`;
    const hash = await ok('cp1', "openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null | sha256sum | cut -d' ' -f1");
    expect(cp?.[3]).toBe(`sha256:${hash.trim()}`);
  });

  test('the printed control-plane join succeeds on cp2 and etcd has two started members', async () => {
    const out = await ok('cp2', cpJoin);
    expect(out).toContain('This node has joined the cluster and a new control plane instance was created:');
    const table = await ok('cp1', `ETCDCTL_API=3 etcdctl --endpoints=https://${PREFIX}.11:2379 ${ETCD_FLAGS} member list -w table`);
    expect(table).toMatch(/\| +ID +\| +STATUS +\| +NAME +\| +PEER ADDRS +\| +CLIENT ADDRS +\| +IS LEARNER +\|/);
    expect(table).toMatch(new RegExp(`\\| started \\| +cp1 \\| https://${PREFIX.replace(/\./g, '\\.')}\\.11:2380 \\|`));
    expect(table).toMatch(new RegExp(`\\| started \\| +cp2 \\| https://${PREFIX.replace(/\./g, '\\.')}\\.12:2380 \\|`));
    const json = JSON.parse(await ok('cp2', `ETCDCTL_API=3 etcdctl --endpoints=https://${PREFIX}.12:2379 ${ETCD_FLAGS} member list -w json`)) as { members: Array<{ name: string; clientURLs: string[] }> };
    expect(json.members.map((m) => m.name).sort()).toEqual(['cp1', 'cp2']);
    expect(json.members.every((m) => m.clientURLs.length === 1)).toBe(true);
  });

  test('a wrong certificate key fails with kubeadm\'s decryption error', async () => {
    const key = /--certificate-key ([0-9a-f]{64})/.exec(cpJoin)?.[1] ?? '';
    await ok('cp1', `kubeadm init phase upload-certs --upload-certs --certificate-key ${key}`);
    uploadedAt = Date.now();
    const wrong = cpJoin.replace(/--certificate-key [0-9a-f]{64}/, `--certificate-key ${'ab'.repeat(32)}`);
    const r = await run('cp3', wrong);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error decoding secret data with provided key: cipher: message authentication failed');
  });

  test('the same join after the certificate key\'s TTL fails with the expired-Secret error', async () => {
    const wait = uploadedAt + KEY_TTL_MS + 500 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const r = await run('cp3', cpJoin);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(EXPIRED);
  }, 60_000);

  test('re-uploaded certs let cp3 join; the expire fault then expires the new key at once', async () => {
    const up = await ok('cp1', 'kubeadm init phase upload-certs --upload-certs');
    expect(up).toContain('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n');
    const key = up.trim().split('\n').pop() ?? '';
    const join = cpJoin.replace(/--certificate-key [0-9a-f]{64}/, `--certificate-key ${key}`);
    expect(await ok('cp3', join)).toContain('a new control plane instance was created');
    await lab.expireCertificateKey();
    const r = await run('w1', `${join} --ignore-preflight-errors=all`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(EXPIRED);
  }, 60_000);

  test('an unknown token fails discovery with kubeadm\'s JWS error once the discovery timeout passes', async () => {
    const r = await run('w1', workerJoin.replace(/--token [a-z0-9]{6}\.[a-z0-9]{16}/, '--token zzzzzz.0123456789abcdef'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error execution phase preflight: couldn\'t validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "zzzzzz"');
  }, 60_000);

  test('a worker joins with the printed worker command and nodes turn Ready after the CNI', async () => {
    expect(await ok('w1', workerJoin)).toContain('This node has joined the cluster:');
    const before = await ok('cp1', 'kubectl get nodes');
    expect(before.split('\n')[0]).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION$/);
    expect(before).toMatch(/^w1 +NotReady +<none> +\S+ +v1\.30\.2$/m);
    await ok('cp1', 'kubectl apply -f https://raw.githubusercontent.com/projectcalico/calico/v3.28.0/manifests/calico.yaml');
    await ok('cp1', 'kubectl wait --for=condition=Ready node/cp1 node/cp2 node/cp3 node/w1 --timeout=30s');
    const nodes = JSON.parse(await ok('cp1', 'kubectl get nodes -o json')) as { items: Array<{ metadata: { name: string }; status: { conditions: Array<{ type: string; status: string }> } }> };
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
    expect(nodes.items.every((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
  }, 60_000);

  test('with cp1 stopped, HAProxy on the VIP still routes /healthz to a live API server', async () => {
    const ca = await ok('cp2', 'cat /etc/kubernetes/pki/ca.crt');
    expect(await healthzThroughVip(ca)).toBe('200 ok');
    await lab.host('cp1').stop();
    const deadline = Date.now() + 10_000;
    const answers: string[] = [];
    while (Date.now() < deadline && answers.filter((a) => a === '200 ok').length < 5) {
      answers.push(await healthzThroughVip(ca));
    }
    expect(answers.slice(-5)).toEqual(Array(5).fill('200 ok'));
    const r = await run('cp2', `ETCDCTL_API=3 etcdctl --endpoints=https://${PREFIX}.12:2379 ${ETCD_FLAGS} endpoint health`);
    expect(r.stderr + r.stdout).toContain(`https://${PREFIX}.12:2379 is healthy`);
  }, 30_000);
});
