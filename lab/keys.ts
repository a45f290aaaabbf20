import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { LabHost } from './layout';
import { labPaths } from './layout';
import { mapBounded } from './hosts/pool';

const run = promisify(execFile);

async function generateKey(file: string, comment: string): Promise<string> {
  await rm(file, { force: true });
  await rm(`${file}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  return (await readFile(`${file}.pub`, 'utf8')).trim();
}

export function hostKeyPath(labDir: string, host: string): string {
  return path.join(labPaths(labDir).hostRoot(host), 'ssh_host_ed25519_key');
}

export function authorizedKeysPath(labDir: string): string {
  return path.join(labDir, 'authorized_keys');
}

/** `[addr]:port` only when the port is not 22, as OpenSSH writes it. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** The lab user key (`<dir>/id_ed25519`, authorized for root on every host). */
export async function createUserKey(labDir: string): Promise<void> {
  const pub = await generateKey(labPaths(labDir).privateKey, 'kubeha-lab');
  await writeFile(authorizedKeysPath(labDir), `${pub}\n`, { mode: 0o600 });
}

/** Generates a host key per host and writes `<dir>/known_hosts` with one line per address. */
export async function createHostKeys(labDir: string, hosts: LabHost[], port = 22): Promise<void> {
  const lines = await mapBounded(hosts, 16, async (host) => {
      const pub = await generateKey(hostKeyPath(labDir, host.name), `kubeha-lab-${host.name}`);
      const [type, key] = pub.split(' ');
      return `${knownHostsName(host.address, port)} ${type} ${key}`;
  });
  await writeFile(labPaths(labDir).knownHosts, `${lines.join('\n')}\n`);
}
