/**
 * "Wipe a host to a fresh OS at the same address": every process killed, every private directory
 * emptied (no /etc/kubernetes, /var/lib/etcd, kubelet state, kubeha runs), root's home emptied, the
 * machine state (packages, swap, sysctls) back to what `lab up` provisioned, then booted again.
 * What makes it the same machine to the outside stays: its identity file, its NICs and product_uuid
 * (`/sys/class`), and its SSH host key, so known_hosts still matches.
 */
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { LabConfig, LabHost } from '../layout';
import { HOST_IDENTITY_FILE, HOST_PRIVATE_DIRS, labPaths } from '../layout';
import { killHost, restartHost } from './control';
import { rootHomeDir } from './roots';

/** Private dirs a wipe leaves alone: the machine's hardware as the lab models it. */
const HARDWARE_DIRS: readonly string[] = ['/sys/class/net'];

type ReinitSimHost = (config: LabConfig, host: LabHost) => Promise<void>;

/** The simulator's provisioning of a fresh machine (lab/sim/install.ts), when it exists in this checkout. */
function simulatorReinit(): ReinitSimHost | undefined {
  const candidate = path.join(__dirname, '..', 'sim', 'install');
  if (!['.ts', '.js'].some((ext) => existsSync(candidate + ext))) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(candidate) as { reprovisionSimHost?: ReinitSimHost };
  return mod.reprovisionSimHost;
}

async function emptyDir(dir: string, keep: readonly string[] = []): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of await readdir(dir)) {
    if (!keep.includes(entry)) await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

export async function wipeHost(config: LabConfig, host: LabHost): Promise<void> {
  const paths = labPaths(config.dir);
  await killHost(config.dir, host.name);
  const identityDir = path.posix.dirname(HOST_IDENTITY_FILE);
  for (const dir of HOST_PRIVATE_DIRS) {
    if (HARDWARE_DIRS.includes(dir)) continue;
    await emptyDir(paths.hostPrivate(host.name, dir), dir === identityDir ? [path.posix.basename(HOST_IDENTITY_FILE)] : []);
  }
  await emptyDir(rootHomeDir(config.dir, host.name));
  await simulatorReinit()?.(config, host);
  await restartHost(config.dir, host);
}
