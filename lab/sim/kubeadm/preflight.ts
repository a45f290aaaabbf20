/** kubeadm's preflight checks, with its error format and --ignore-preflight-errors. */
import { existsSync, readdirSync } from 'node:fs';
import * as net from 'node:net';
import { hostPath } from '../context';
import { SimExit } from '../errors';
import { readNodeState } from '../node-state';
import { CONTAINERD_SOCKET, isActive } from '../services';

const KUBELET_PORT = 10250;

export interface Check {
  name: string;
  message: string;
}

/**
 * kubeadm's PortOpenCheck: the port is in use when it cannot be bound (a connect with a timeout
 * would call a free port busy whenever this server's event loop lags). The lab's kubelet holds no
 * socket, so an active kubelet holds its port 10250 the way a real one does.
 */
function portInUse(address: string, port: number): Promise<boolean> {
  if (port === KUBELET_PORT && isActive('kubelet')) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(true) : reject(e)));
    probe.listen({ host: address, port, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}

export interface PreflightInput {
  address: string;
  ports: number[];
  /** Files whose presence means "already initialized/joined". */
  files: string[];
  dirsMustBeEmpty: string[];
  /** kubeadm's FileExistingCheck: files that must be there, checked under their label (e.g. ExternalEtcdClientCertificates). */
  filesMustExist?: Array<{ path: string; label: string }>;
  ignore: string[];
}

export async function runPreflight(input: PreflightInput): Promise<string> {
  const errors: Check[] = [];
  const state = readNodeState();
  if (!existsSync(hostPath(CONTAINERD_SOCKET)) || !isActive('containerd')) {
    errors.push({
      name: 'CRI',
      message: `container runtime is not running: output: time="${new Date().toISOString()}" level=fatal msg="validate service connection: validate CRI v1 runtime API for endpoint \\"unix:///var/run/containerd/containerd.sock\\": rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix /var/run/containerd/containerd.sock: connect: no such file or directory\\""\n, error: exit status 1`,
    });
  }
  if (state.swap) errors.push({ name: 'Swap', message: 'running with swap on is not supported. Please disable swap' });
  if (!state.modules.includes('br_netfilter') && state.sysctl['net.bridge.bridge-nf-call-iptables'] !== '1') {
    errors.push({ name: 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', message: '/proc/sys/net/bridge/bridge-nf-call-iptables does not exist' });
  } else if (state.sysctl['net.bridge.bridge-nf-call-iptables'] !== '1') {
    errors.push({ name: 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', message: '/proc/sys/net/bridge/bridge-nf-call-iptables contents are not set to 1' });
  }
  if (state.sysctl['net.ipv4.ip_forward'] !== '1') {
    errors.push({ name: 'FileContent--proc-sys-net-ipv4-ip_forward', message: '/proc/sys/net/ipv4/ip_forward contents are not set to 1' });
  }
  const busy = await Promise.all(input.ports.map((p) => portInUse(input.address, p)));
  input.ports.forEach((p, i) => {
    if (busy[i]) errors.push({ name: `Port-${p}`, message: `Port ${p} is in use` });
  });
  for (const f of input.files) {
    if (existsSync(hostPath(f))) errors.push({ name: `FileAvailable-${f.replace(/\//g, '-')}`, message: `${f} already exists` });
  }
  for (const f of input.filesMustExist ?? []) {
    if (!existsSync(hostPath(f.path))) errors.push({ name: f.label, message: `${f.path} doesn't exist` });
  }
  for (const d of input.dirsMustBeEmpty) {
    const full = hostPath(d);
    if (existsSync(full) && readdirSync(full).length > 0) errors.push({ name: `DirAvailable-${d.replace(/\//g, '-')}`, message: `${d} is not empty` });
  }
  const ignoreAll = input.ignore.some((i) => i.toLowerCase() === 'all');
  const ignored = new Set(input.ignore.map((i) => i.toLowerCase()));
  const fatal = errors.filter((e) => !ignoreAll && !ignored.has(e.name.toLowerCase()));
  const warnings = errors.filter((e) => !fatal.includes(e));
  const warnText = warnings.map((w) => `\t[WARNING ${w.name}]: ${w.message}\n`).join('');
  if (fatal.length > 0) {
    throw new SimExit(
      `error execution phase preflight: [preflight] Some fatal errors occurred:\n${fatal.map((e) => `\t[ERROR ${e.name}]: ${e.message}`).join('\n')}\n[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\nTo see the stack trace of this error execute with --v=5 or higher`,
      1,
      `[preflight] Running pre-flight checks\n${warnText}`,
    );
  }
  return `[preflight] Running pre-flight checks\n${warnText}`;
}
