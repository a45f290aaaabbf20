/**
 * The simulated kube-apiserver: an HTTPS server on <advertise-address>:<secure-port> with the
 * node's apiserver.crt, answering /healthz /livez /readyz (not ready while no etcd of
 * --etcd-servers answers healthy) and /version. Everything else about the cluster API lives in the lab store.
 */
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import { hostPath } from './context';
import { parseArgs } from './flags';
import { out } from './output';

const p = parseArgs(process.argv.slice(2), new Set(['allow-privileged', 'enable-bootstrap-token-auth']));
const flag = (n: string, d = '') => p.flags.get(n) ?? d;
const file = (n: string) => readFileSync(hostPath(flag(n)));
const address = flag('advertise-address');
const port = Number(flag('secure-port', '6443'));
const version = process.env.KUBEHA_SIM_VERSION || 'v1.30.2';
const log = (msg: string) => out(`${new Date().toISOString()} kube-apiserver: ${msg}\n`);

/** kube-apiserver's --etcd-readycheck-timeout default (kubernetes#111399): /readyz's etcd check gives etcd this long. */
const ETCD_READYCHECK_TIMEOUT_MS = 2_000;

/** One etcd endpoint's /health with the API server's etcd client files. */
function endpointHealthy(server: string): Promise<boolean> {
  const url = new URL(server);
  return new Promise((resolve) => {
    const req = https.get(
      { host: url.hostname, port: Number(url.port || 2379), path: '/health', ca: file('etcd-cafile'), cert: file('etcd-certfile'), key: file('etcd-keyfile'), timeout: ETCD_READYCHECK_TIMEOUT_MS },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"true"/.test(body)));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}

/** The etcd check of /readyz: the client reaches a healthy member among --etcd-servers (stacked: the local one; external: any). */
async function etcdHealthy(): Promise<boolean> {
  const servers = flag('etcd-servers').split(',').filter(Boolean);
  const answers = await Promise.all(servers.map((server) => endpointHealthy(server).catch(() => false)));
  return answers.some(Boolean);
}

function versionInfo() {
  const [major, minor] = version.replace(/^v/, '').split('.');
  return {
    major,
    minor,
    gitVersion: version,
    gitCommit: '39683505b630ff2121012f3c5b16215a1449d5ed',
    gitTreeState: 'clean',
    buildDate: '2024-06-11T20:21:00Z',
    goVersion: 'go1.22.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

const server = https.createServer({ cert: file('tls-cert-file'), key: file('tls-private-key-file') }, (req, res) => {
  const url = (req.url ?? '/').split('?')[0];
  const text = (status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    res.end(body);
  };
  if (url === '/healthz' || url === '/livez') return text(200, 'ok');
  if (url === '/readyz') {
    void etcdHealthy().then((ok) => (ok ? text(200, 'ok') : text(500, '[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\nreadyz check failed\n')));
    return;
  }
  if (url === '/version') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(versionInfo(), null, 2));
    return;
  }
  res.writeHead(403, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `forbidden: User "system:anonymous" cannot get path "${url}"`, reason: 'Forbidden', details: {}, code: 403 }));
});

server.on('error', (err) => {
  log(`failed to listen on ${address}:${port}: ${err.message}`);
  process.exit(1);
});
server.listen(port, address, () => log(`serving securely on ${address}:${port} (${version})`));
process.on('SIGTERM', () => process.exit(0));
