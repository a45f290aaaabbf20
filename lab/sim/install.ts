/**
 * Puts the simulator into a lab: one `#!/bin/sh` wrapper per simulated command in
 * `labPaths(dir).simBin` (bind-mounted over /usr/local/sbin in every host), and each host's
 * initial machine state. Called by lab/hosts/sim-bin.ts at `lab up`.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { LabConfig, LabHost } from '../layout';
import { labPaths } from '../layout';
import { expireCertificateKey as expireKeyFault } from '../faults';
import { initialNodeState, NODE_STATE_FILE } from './node-state';
import { CONTAINERD_SOCKET } from './services';
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

export async function installSimBin(config: LabConfig): Promise<void> {
  const simBin = labPaths(config.dir).simBin;
  const compiled = compiledSimDir();
  await mkdir(simBin, { recursive: true });
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
  await Promise.all(config.hosts.map((h) => initSimHost(config, h)));
  createSocketFiles(config.hosts.filter((h) => h.role !== 'load-balancer').map((h) => labPaths(config.dir).hostPrivate(h.name, CONTAINERD_SOCKET)));
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
}

/** A wiped host provisioned again (`kubeha lab fault wipe`): initSimHost plus containerd's socket. */
export async function reprovisionSimHost(config: LabConfig, host: LabHost): Promise<void> {
  await initSimHost(config, host);
  if (host.role !== 'load-balancer') createSocketFiles([labPaths(config.dir).hostPrivate(host.name, CONTAINERD_SOCKET)]);
}

export async function expireCertificateKey(dir: string): Promise<void> {
  await expireKeyFault(dir);
}
