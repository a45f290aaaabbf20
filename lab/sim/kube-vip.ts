/**
 * The simulated kube-vip static Pod (control-plane mode, leader election). The lease lives in
 * the lab store; only a control plane whose own API server answers may hold it. The leader
 * binds VIP:port and forwards TCP to its own <address>:<port>; on losing the lease it closes the
 * listener and every forwarded connection. No ARP is spoken: all lab hosts share one loopback.
 * The lease never gets shorter than 3 s of real time, or renewals on a loaded machine would flap.
 * A frozen leader keeps its socket bound, so the VIP black-holes until it is thawed or stopped
 * (like a stale ARP entry with no gratuitous ARP from the new leader).
 */
import * as net from 'node:net';
import { loadContext } from './context';
import { tcpReachable } from './kubeadm/api';
import { updateStore } from './store';
import { scaled, sleep } from './time';
import { out } from './output';

const ctx = loadContext();
const vip = process.env.vip_address ?? process.env.address ?? ctx.config.vip;
const port = Number(process.env.port ?? ctx.config.apiServerPort);
const me = ctx.identity.name;
const target = ctx.identity.address;
const leaseMs = Math.max(scaled(ctx.config, Number(process.env.vip_leaseduration ?? 5) * 1000), 3_000);
const retryMs = 500;
const log = (msg: string) => out(`${new Date().toISOString()} kube-vip[${me}]: ${msg}\n`);

let server: net.Server | undefined;
const conns = new Set<net.Socket>();

function forward(client: net.Socket): void {
  const upstream = net.connect({ host: target, port });
  conns.add(client);
  conns.add(upstream);
  const close = () => {
    client.destroy();
    upstream.destroy();
    conns.delete(client);
    conns.delete(upstream);
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
  client.pipe(upstream);
  upstream.pipe(client);
}

function serve(): void {
  if (server) return;
  const s = net.createServer(forward);
  server = s;
  s.once('error', (err: NodeJS.ErrnoException) => {
    log(`cannot bind ${vip}:${port}: ${err.code ?? err.message}; retrying`);
    server = undefined;
  });
  s.listen(port, vip, () => log(`leader: serving ${vip}:${port} -> ${target}:${port}`));
}

function unserve(): void {
  if (!server) return;
  server.close();
  server = undefined;
  for (const c of conns) c.destroy();
  conns.clear();
  log(`released ${vip}:${port}`);
}

async function tick(): Promise<void> {
  const localUp = (await tcpReachable(target, port, 500)) === undefined;
  const leader = await updateStore(ctx.identity.labDir, (s) => {
    const now = Date.now();
    const lease = s.lease;
    if (lease?.holder === me) {
      if (localUp) lease.renewedAt = now;
      else delete s.lease;
      return localUp;
    }
    if (localUp && (!lease || now - lease.renewedAt > leaseMs)) {
      s.lease = { holder: me, renewedAt: now };
      return true;
    }
    return false;
  });
  if (leader) serve();
  else unserve();
}

async function main(): Promise<never> {
  log(`starting: vip ${vip}:${port}, lease ${Math.round(leaseMs)} ms`);
  process.on('SIGTERM', () => {
    unserve();
    void updateStore(ctx.identity.labDir, (s) => {
      if (s.lease?.holder === me) delete s.lease;
    }).finally(() => process.exit(0));
  });
  for (;;) {
    try {
      await tick();
    } catch (err) {
      log(`election failed: ${(err as Error).message}`);
    }
    await sleep(retryMs);
  }
}

void main();
