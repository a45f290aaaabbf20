import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { Server } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { renderHaproxyCfg } from '../../../src/render/haproxy';
import { clusterSettings } from '../../../src/spec/hosts';
import { parseSpec } from '../../../src/spec/load';

/** Runs the real haproxy on the rendered config: loopback prefix 127.0.21 is this test's own. */
const PREFIX = '127.0.21';
const CONTROL_PLANES = ['cp1', 'cp2', 'cp3'];

const spec = parseSpec(
  `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata: { name: live }
spec:
  kubernetesVersion: v1.31.2
  controlPlaneEndpoint: ${PREFIX}.10:6443
  loadBalancer: { type: haproxy-keepalived, vip: ${PREFIX}.10, interface: lo }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
  hosts:
    - { name: lb1, address: ${PREFIX}.9, role: load-balancer }
${CONTROL_PLANES.map((name, i) => `    - { name: ${name}, address: ${PREFIX}.${11 + i}, role: control-plane }`).join('\n')}
`,
  'live.yaml',
  { baseDir: '/', homeDir: '/root' },
).spec;

let dir: string;
let haproxy: ChildProcess | undefined;
let haproxyLog = '';
const servers: Server[] = [];
const healthy = new Map(CONTROL_PLANES.map((n) => [n, true]));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-haproxy-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=kube-apiserver', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
  const tls = { key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) };
  await Promise.all(
    CONTROL_PLANES.map(
      (name, i) =>
        new Promise<void>((resolve, reject) => {
          const server = https.createServer(tls, (req, res) => {
            const ok = healthy.get(name);
            res.writeHead(req.url === '/healthz' && !ok ? 500 : 200).end(name);
          });
          server.once('error', reject).listen(6443, `${PREFIX}.${11 + i}`, () => resolve());
          servers.push(server);
        }),
    ),
  );
  writeFileSync(`${dir}/haproxy.cfg`, renderHaproxyCfg(clusterSettings(spec)).replace('    daemon\n', ''));
  haproxy = spawn('haproxy', ['-db', '-f', `${dir}/haproxy.cfg`], { stdio: ['ignore', 'ignore', 'pipe'] });
  haproxy.stderr?.on('data', (c: Buffer) => (haproxyLog += c.toString()));
  haproxy.on('error', (err) => (haproxyLog += `cannot run haproxy (install it: apt-get install haproxy): ${err.message}\n`));
  haproxy.on('exit', (code) => (haproxyLog += `haproxy exited with code ${code}\n`));
});

afterAll(async () => {
  haproxy?.kill('SIGTERM');
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

function viaVip(): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: `${PREFIX}.10`, port: 6443, path: '/version', rejectUnauthorized: false, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString())).on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function backendsSeen(requests: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < requests; i++) seen.add(await viaVip());
  return seen;
}

async function eventually(check: () => Promise<boolean>, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`condition not met before the deadline; haproxy said:\n${haproxyLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('balances TLS through the VIP to every control plane and drops one whose /healthz fails', async () => {
  await eventually(async () => (await backendsSeen(6)).size === 3, 10_000);
  expect([...(await backendsSeen(6))].sort()).toEqual(CONTROL_PLANES);
  healthy.set('cp2', false);
  await eventually(async () => !(await backendsSeen(6)).has('cp2'), 20_000);
  expect([...(await backendsSeen(6))].sort()).toEqual(['cp1', 'cp3']);
}, 40_000);
