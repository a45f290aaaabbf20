/**
 * Puts the simulator into a lab: the lab's simulator server (server/main.ts) and one thin client
 * per simulated command in `labPaths(dir).simBin` (bind-mounted over /usr/local/sbin in every
 * host), and each host's initial machine state. Called by lab/hosts/sim-bin.ts at `lab up`.
 * Without a C compiler, or with KUBEHA_LAB_SIM_SERVER=0, each command is instead a `#!/bin/sh`
 * wrapper that runs it as a Node process of its own.
 */
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { LabConfig, LabHost } from '../layout';
import { labPaths } from '../layout';
import { expireCertificateKey as expireKeyFault } from '../faults';
import { simSocketName, startSimServer } from '../hosts/sim-server';
import { kernelViewPaths } from '../hosts/roots';
import { PROC_SWAPS, PROC_SYS_NET, writeKernelView } from './kernel-view';
import { initialNodeState, NODE_STATE_FILE } from './node-state';
import { CONTAINERD_SOCKET } from './services';
import { clientBinary } from './server/client-binary';
import { createSocketFiles } from './socket-file';

export const SIM_COMMANDS = [
  'kubeadm', 'kubectl', 'kubelet', 'systemctl', 'crictl', 'swapon', 'swapoff', 'sysctl', 'modprobe', 'lsmod',
  'apt-get', 'apt-mark', 'kubeha-lab-boot',
] as const;

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** dist/lab/sim, whether this module runs compiled or from sources under ts-jest. */
export function compiledSimDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return path.join(dir, 'dist', 'lab', 'sim');
}

/** Where the thin clients read the server's socket name (beside themselves). */
export const SOCKET_NAME_FILE = '.kubeha-sim-socket';

/** The compiled server and client, or undefined when commands must run as processes of their own. */
function simServer(compiled: string): { script: string; client: string } | undefined {
  if (process.env.KUBEHA_LAB_SIM_SERVER === '0') return undefined;
  const script = path.join(compiled, 'server', 'main.js');
  if (!existsSync(script)) return undefined;
  const client = clientBinary(path.resolve(compiled, '..', '..', '..'));
  if ('missing' in client) {
    process.emitWarning(`kubeha lab: ${client.missing}; every simulated command runs as a Node process of its own`);
    return undefined;
  }
  return { script, client: client.path };
}

async function installClients(config: LabConfig, client: string): Promise<void> {
  const simBin = labPaths(config.dir).simBin;
  await Promise.all(
    SIM_COMMANDS.map(async (cmd) => {
      // A copy, not a link: the client finds the socket name beside its own /proc/self/exe.
      const tmp = path.join(simBin, `.${cmd}.tmp`);
      await copyFile(client, tmp);
      await chmod(tmp, 0o755);
      await rename(tmp, path.join(simBin, cmd));
    }),
  );
  await writeFile(path.join(simBin, SOCKET_NAME_FILE), `${simSocketName(config.dir)}\n`);
}

export async function installSimBin(config: LabConfig): Promise<void> {
  const simBin = labPaths(config.dir).simBin;
  const compiled = compiledSimDir();
  await mkdir(simBin, { recursive: true });
  const server = simServer(compiled);
  if (server) await installClients(config, server.client);
  else await installWrappers(simBin, compiled);
  await Promise.all(config.hosts.map((h) => initSimHost(config, h)));
  createSocketFiles(config.hosts.filter((h) => h.role !== 'load-balancer').map((h) => labPaths(config.dir).hostPrivate(h.name, CONTAINERD_SOCKET)));
  if (server) await startSimServer(config.dir, server.script);
}

async function installWrappers(simBin: string, compiled: string): Promise<void> {
  await Promise.all(
    SIM_COMMANDS.map(async (cmd) => {
      const target = path.join(simBin, cmd);
      const script = path.join(compiled, `${cmd}.js`);
      // A lab may come up before the simulator is built (host-only tests); its commands then say so.
      const body = existsSync(script)
        ? `exec ${shQuote(process.execPath)} ${shQuote(script)} "$@"`
        : `echo ${shQuote(`${cmd}: the kubeha lab simulator is not built (${script} is missing): run \`npx tsc -p tsconfig.build.json\` and start the lab again`)} >&2\nexit 127`;
      await writeFile(target, `#!/bin/sh\n${body}\n`);
      await chmod(target, 0o755);
    }),
  );
}

/** A fresh machine: swap on, forwarding off, Kubernetes packages at the lab's version (installSimBin adds containerd's socket). */
export async function initSimHost(config: LabConfig, host: LabHost): Promise<void> {
  const paths = labPaths(config.dir);
  const state = initialNodeState(config.kubernetesVersion);
  if (host.role === 'load-balancer') {
    state.packages = { haproxy: { version: '2.6.12-1+deb12u1', held: false } };
    state.enabledUnits = [];
  }
  const stateFile = paths.hostPrivate(host.name, NODE_STATE_FILE);
  await mkdir(path.dirname(stateFile), { recursive: true });
  await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  const kernel = kernelViewPaths(config.dir, host.name);
  writeKernelView(state, (p) => {
    if (p === PROC_SWAPS) return kernel.swaps;
    if (p === PROC_SYS_NET) return kernel.sysNet;
    throw new Error(`not a kernel view path: ${p}`);
  });
}

/** A wiped host provisioned again (`kubeha lab fault wipe`): initSimHost plus containerd's socket. */
export async function reprovisionSimHost(config: LabConfig, host: LabHost): Promise<void> {
  await initSimHost(config, host);
  if (host.role !== 'load-balancer') createSocketFiles([labPaths(config.dir).hostPrivate(host.name, CONTAINERD_SOCKET)]);
}

export async function expireCertificateKey(dir: string): Promise<void> {
  await expireKeyFault(dir);
}
