/**
 * The lab's external etcd (`externalEtcd: 3`) and the simulator's kubeadm with etcd.external, over
 * real SSH: three real etcd members on their own hosts with a lab-made CA and client-certificate
 * auth, the user's files on cp1 only, the cluster.yaml naming them; then `kubeadm init --config`
 * with etcd.external (no local etcd, no etcd certificates, the API server on the external
 * endpoints and not ready while they have no quorum), a control-plane join that gets the external
 * files from the kubeadm-certs Secret, `kubeadm certs` without the etcd certificates, and reset.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { LabHandle } from '../../lab';
import { etcdMemberListCommand } from '../../lab/hosts/external-etcd';
import { labPaths } from '../../lab/layout';
import { parseCheckExpiration } from '../../src/certificates/expiration';
import { kubeadmReset } from '../../src/remote/kubeadm';
import { hostCommands, startTestLab } from '../helpers/lab';
import { controlPlaneJoinConfig, initConfig, KEY, PREPARE, writeFileCommand } from './kubeadm-runs';

const PREFIX = '127.0.76';

jest.setTimeout(180_000);

let lab: LabHandle & { dispose(): Promise<void> };
const { run, ok } = hostCommands(() => lab);
const address = (host: string): string => lab.host(host).host.address;
const etcdMembers = () => lab.config.hosts.filter((h) => h.role === 'etcd');
const endpoints = () => etcdMembers().map((h) => `https://${h.address}:2379`);

function externalInitConfig(): string {
  const list = endpoints().map((e) => `    - ${e}`).join('\n');
  return `${initConfig(lab, 'cp1')}etcd:
  external:
    endpoints:
${list}
    caFile: /etc/kubernetes/pki/etcd/ca.crt
    certFile: /etc/kubernetes/pki/apiserver-etcd-client.crt
    keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key
`;
}

const readyz = (host: string) => run(host, `curl -sS --max-time 5 --cacert /etc/kubernetes/pki/ca.crt https://${address(host)}:6443/readyz`);

async function members(): Promise<Array<{ name: string; clientURLs: string[] }>> {
  const out = await ok('etcd1', etcdMemberListCommand(etcdMembers()));
  return (JSON.parse(out) as { members: Array<{ name: string; clientURLs: string[] }> }).members;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  const compiled = path.join(__dirname, '..', '..', 'dist', 'lab', 'sim', 'kubeadm.js');
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npx tsc -p tsconfig.build.json\` before the lab tests`);
  lab = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 2, workers: 0, loadBalancer: 'external', externalEtcd: 3, timeScale: 300, installPackages: false });
  await Promise.all(['cp1', 'cp2'].map((h) => ok(h, PREPARE)));
}, 120_000);

afterAll(async () => {
  await lab?.dispose();
});

describe('the external etcd the lab sets up before any control plane', () => {
  test('three started members on the etcd hosts, reachable over SSH like the others, run by their kubelet', async () => {
    expect(etcdMembers().map((h) => h.name)).toEqual(['etcd1', 'etcd2', 'etcd3']);
    const list = await members();
    expect(list.map((m) => m.name).sort()).toEqual(['etcd1', 'etcd2', 'etcd3']);
    expect(list.flatMap((m) => m.clientURLs).sort()).toEqual(endpoints().sort());
    for (const h of ['etcd2', 'etcd3']) expect(await ok(h, 'systemctl is-enabled kubelet && test -f /etc/kubernetes/manifests/etcd.yaml && echo ok')).toContain('ok');
    // Only the first etcd host keeps the CA key (the kubeadm etcd guide removes it from the copies).
    expect((await run('etcd1', 'test -f /etc/kubernetes/pki/etcd/ca.key')).code).toBe(0);
    expect((await run('etcd2', 'test -f /etc/kubernetes/pki/etcd/ca.key')).code).toBe(1);
  });

  test('etcd refuses a client without a certificate from its CA', async () => {
    const r = await run('etcd1', `ETCDCTL_API=3 etcdctl --endpoints ${endpoints()[0]} --cacert /etc/kubernetes/pki/etcd/ca.crt --dial-timeout=2s --command-timeout=3s member list`);
    expect(r.code).not.toBe(0);
  });

  test('the user copied etcd/ca.crt and apiserver-etcd-client.crt/.key to cp1 (not cp2), and cluster.yaml names them', async () => {
    expect(await ok('cp1', 'ls /etc/kubernetes/pki /etc/kubernetes/pki/etcd')).toBe('/etc/kubernetes/pki:\napiserver-etcd-client.crt\napiserver-etcd-client.key\netcd\n\n/etc/kubernetes/pki/etcd:\nca.crt\n');
    expect((await run('cp2', 'test -e /etc/kubernetes/pki')).code).toBe(1);
    const doc = parse(readFileSync(labPaths(lab.dir).clusterSpec, 'utf8')) as { spec: { etcd: unknown; hosts: Array<{ name: string }> } };
    expect(doc.spec.etcd).toEqual({
      topology: 'external',
      endpoints: endpoints(),
      caFile: '/etc/kubernetes/pki/etcd/ca.crt',
      certFile: '/etc/kubernetes/pki/apiserver-etcd-client.crt',
      keyFile: '/etc/kubernetes/pki/apiserver-etcd-client.key',
    });
    expect(doc.spec.hosts.map((h) => h.name)).toEqual(['cp1', 'cp2']);
  });
});

describe('kubeadm with etcd.external', () => {
  let caHash = '';

  test('init makes no etcd CA, certificates or manifest, keeps the user\'s files, and points the API server at the external endpoints', async () => {
    await ok('cp1', writeFileCommand('/root/init.yaml', externalInitConfig()));
    const before = await ok('cp1', 'sha256sum /etc/kubernetes/pki/apiserver-etcd-client.crt /etc/kubernetes/pki/etcd/ca.crt');
    const out = await ok('cp1', 'kubeadm init --config /root/init.yaml --upload-certs');
    expect(out).toContain('[certs] External etcd mode: Skipping etcd/ca certificate authority generation\n');
    expect(out).toContain('[certs] External etcd mode: Skipping apiserver-etcd-client certificate generation\n');
    expect(out).not.toContain('[etcd] Creating static Pod manifest');
    caHash = /--discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})/.exec(out)?.[1] ?? '';
    expect(await ok('cp1', 'ls /etc/kubernetes/manifests')).toBe('kube-apiserver.yaml\nkube-controller-manager.yaml\nkube-scheduler.yaml\n');
    expect(await ok('cp1', 'ls /etc/kubernetes/pki/etcd')).toBe('ca.crt\n');
    expect(await ok('cp1', 'sha256sum /etc/kubernetes/pki/apiserver-etcd-client.crt /etc/kubernetes/pki/etcd/ca.crt')).toBe(before);
    const manifest = await ok('cp1', 'cat /etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(manifest).toContain(`- --etcd-servers=${endpoints().join(',')}`);
    expect(manifest).toContain('- --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt');
    expect(manifest).toContain('- --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt');
    expect((await readyz('cp1')).stdout).toBe('ok');
  });

  test("the API server is not ready while the external etcd has no quorum, and ready again once it has", async () => {
    await Promise.all(['etcd2', 'etcd3'].map((h) => lab.host(h).freeze()));
    try {
      await eventually(async () => (await readyz('cp1')).stdout.includes('[-]etcd failed'), 'readyz failing on etcd');
    } finally {
      await Promise.all(['etcd2', 'etcd3'].map((h) => lab.host(h).thaw()));
    }
    await eventually(async () => (await readyz('cp1')).stdout === 'ok', 'readyz ok again');
  });

  test('a control-plane join downloads the external files from kubeadm-certs and starts no etcd', async () => {
    // ca, front-proxy-ca and sa pairs plus external-etcd-ca.crt, external-etcd.crt, external-etcd.key.
    expect(await ok('cp1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get secrets kubeadm-certs')).toMatch(/\nkubeadm-certs\s+Opaque\s+9\s/);
    await ok('cp2', writeFileCommand('/root/join.yaml', controlPlaneJoinConfig(lab, 'cp2', caHash)));
    const out = await ok('cp2', 'kubeadm join --config /root/join.yaml');
    expect(KEY).toHaveLength(64);
    expect(out).toContain('[check-etcd] Skipping etcd check in external mode\n');
    expect(out).toContain('[control-plane-join] Using external etcd - no local stacked instance added\n');
    expect(await ok('cp2', 'ls /etc/kubernetes/manifests')).toBe('kube-apiserver.yaml\nkube-controller-manager.yaml\nkube-scheduler.yaml\n');
    expect(await ok('cp2', 'ls /etc/kubernetes/pki/etcd')).toBe('ca.crt\n');
    const sums = 'sha256sum /etc/kubernetes/pki/apiserver-etcd-client.crt /etc/kubernetes/pki/apiserver-etcd-client.key /etc/kubernetes/pki/etcd/ca.crt | cut -d" " -f1';
    expect(await ok('cp2', sums)).toBe(await ok('cp1', sums));
    expect((await readyz('cp2')).stdout).toBe('ok');
    expect((await members()).map((m) => m.name).sort()).toEqual(['etcd1', 'etcd2', 'etcd3']);
  });

  test('certs check-expiration lists no etcd certificate and no etcd CA; renew all leaves the user\'s client certificate alone', async () => {
    const tables = parseCheckExpiration(await ok('cp1', 'kubeadm certs check-expiration'));
    expect(tables?.certificates.map((c) => c.name)).toEqual(['admin.conf', 'apiserver', 'apiserver-kubelet-client', 'controller-manager.conf', 'front-proxy-client', 'scheduler.conf', 'super-admin.conf']);
    expect(tables?.authorities.map((c) => c.name)).toEqual(['ca', 'front-proxy-ca']);
    const before = await ok('cp1', 'sha256sum /etc/kubernetes/pki/apiserver-etcd-client.crt');
    const out = await ok('cp1', 'kubeadm certs renew all');
    expect(out).toContain('certificate for serving the Kubernetes API renewed\n');
    expect(out).not.toMatch(/etcd.* renewed/);
    expect(await ok('cp1', 'sha256sum /etc/kubernetes/pki/apiserver-etcd-client.crt')).toBe(before);
  });

  test('the certs-near-expiry fault re-issues only what kubeadm renews', async () => {
    const renewed = await lab.host('cp2').expireCertificatesIn(10);
    expect(renewed).not.toContain('apiserver-etcd-client');
    expect(renewed).toContain('apiserver');
  });

  test('reset on cp2 leaves the external etcd alone, as kubeadm says', async () => {
    const out = await ok('cp2', 'kubeadm reset -f');
    expect(out).toContain('[reset] No etcd config found. Assuming external etcd\n[reset] Please, manually reset etcd to prevent further issues\n');
    expect((await members()).length).toBe(3);
    expect((await readyz('cp1')).stdout).toBe('ok');
  });

  test("kubeha's kubeadm reset of a failed init host keeps the user's external etcd files (the next init needs them)", async () => {
    const files = ['/etc/kubernetes/pki/etcd/ca.crt', '/etc/kubernetes/pki/apiserver-etcd-client.crt', '/etc/kubernetes/pki/apiserver-etcd-client.key'];
    const sums = `sha256sum ${files.join(' ')}`;
    const before = await ok('cp1', sums);
    const script = kubeadmReset.render({ criSocket: 'unix:///run/containerd/containerd.sock', unit: 'kubeadm-init', keep: files });
    await ok('cp1', writeFileCommand('/root/reset.sh', `${script.text}\n`));
    await ok('cp1', 'mkdir -p /etc/kubeha && bash /root/reset.sh');
    expect(await ok('cp1', 'ls /etc/kubernetes/manifests | wc -l')).toBe('0\n');
    expect(await ok('cp1', 'find /etc/kubernetes/pki -type f | sort')).toBe(`${[...files].sort().join('\n')}\n`);
    expect(await ok('cp1', sums)).toBe(before);
    expect(await ok('cp1', 'ls -A /etc/kubeha | grep -c kept || true')).toBe('0\n');
  });
});
