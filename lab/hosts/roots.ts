import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { EnvironmentError } from '../../src/client/errors';
import type { HostIdentity, LabHost } from '../layout';
import { HOST_IDENTITY_FILE, HOST_PRIVATE_DIRS, HOST_SIM_BIN, labPaths } from '../layout';

/** `/sys/class` as a host sees it: only `dmi/id/product_uuid` and the mount point for `net`. */
export function sysClassDir(labDir: string, host: string): string {
  return path.join(labPaths(labDir).hostRoot(host), 'sys-class');
}

/** root's home inside the host: each host has its own ~/.kube, shell history and dotfiles. */
export function rootHomeDir(labDir: string, host: string): string {
  return path.join(labPaths(labDir).hostRoot(host), 'root-home');
}

/**
 * The host's simulated kernel files (lab/sim/kernel-view.ts writes them from its node state),
 * bound over the machine's /proc/swaps and /proc/sys/net.
 */
export function kernelViewPaths(labDir: string, host: string): { swaps: string; sysNet: string } {
  const root = labPaths(labDir).hostRoot(host);
  return { swaps: path.join(root, 'proc-swaps'), sysNet: path.join(root, 'proc-sys-net') };
}

export interface HostBind {
  /** Where the data lives on the machine. */
  from: string;
  /** The path the host sees it at. */
  to: string;
  readOnly?: boolean;
}

/**
 * The host's private view, in mount order: its namespace binds these (sshd.ts), and the lab's
 * simulator server, which runs outside every namespace, maps a host's paths through them.
 */
export function hostBinds(labDir: string, host: string): HostBind[] {
  const paths = labPaths(labDir);
  return [
    ...HOST_PRIVATE_DIRS.filter((dir) => !dir.startsWith('/sys/')).map((dir) => ({ from: paths.hostPrivate(host, dir), to: dir })),
    { from: rootHomeDir(labDir, host), to: '/root' },
    { from: sysClassDir(labDir, host), to: '/sys/class' },
    { from: paths.hostPrivate(host, '/sys/class/net'), to: '/sys/class/net' },
    { from: kernelViewPaths(labDir, host).sysNet, to: '/proc/sys/net' },
    { from: kernelViewPaths(labDir, host).swaps, to: '/proc/swaps' },
    { from: paths.simBin, to: HOST_SIM_BIN, readOnly: true },
  ];
}

/** A locally administered, unique MAC derived from the host's loopback address. */
export function macFor(address: string): string {
  const octets = address.split('.').map((o) => Number(o).toString(16).padStart(2, '0'));
  return ['02', '00', ...octets].join(':');
}

/** Creates everything a host's namespace binds: private dirs, identity, product_uuid and NICs. */
export async function createHostRoot(labDir: string, host: LabHost): Promise<void> {
  const paths = labPaths(labDir);
  await Promise.all(HOST_PRIVATE_DIRS.map((dir) => mkdir(paths.hostPrivate(host.name, dir), { recursive: true })));
  const identity: HostIdentity = { name: host.name, address: host.address, labDir };
  await writeFile(paths.hostPrivate(host.name, HOST_IDENTITY_FILE), `${JSON.stringify(identity, null, 2)}\n`);
  await mkdir(rootHomeDir(labDir, host.name), { recursive: true, mode: 0o700 });
  const sysClass = sysClassDir(labDir, host.name);
  await mkdir(path.join(sysClass, 'dmi', 'id'), { recursive: true });
  await mkdir(path.join(sysClass, 'net'), { recursive: true });
  await writeFile(path.join(sysClass, 'dmi', 'id', 'product_uuid'), `${randomUUID().toUpperCase()}\n`);
  const net = paths.hostPrivate(host.name, '/sys/class/net');
  await mkdir(path.join(net, 'eth0'), { recursive: true });
  await mkdir(path.join(net, 'lo'), { recursive: true });
  await writeFile(path.join(net, 'eth0', 'address'), `${macFor(host.address)}\n`);
  await writeFile(path.join(net, 'lo', 'address'), '00:00:00:00:00:00\n');
  // Bind sources must exist; the simulator fills them (initSimHost).
  const kernel = kernelViewPaths(labDir, host.name);
  await mkdir(kernel.sysNet, { recursive: true });
  await writeFile(kernel.swaps, '', { flag: 'a' });
}

/** The real mount points must exist before a namespace can bind over them. */
export async function ensureMountPoints(): Promise<void> {
  // Nothing can create these: a kernel without swap support or networking cannot host a lab.
  for (const proc of ['/proc/swaps', '/proc/sys/net']) {
    if (!existsSync(proc)) throw new EnvironmentError(`${proc} does not exist on this machine; the lab binds each host's own over it`, 'Run the lab on a Linux kernel with swap and networking support (any Debian kernel has both).');
  }
  await Promise.all(
    HOST_PRIVATE_DIRS.filter((dir) => !dir.startsWith('/sys/')).map((dir) => mkdir(dir, { recursive: true })),
  );
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
}
