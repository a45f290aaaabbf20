import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvironmentError } from '../src/client/errors';

const run = promisify(execFile);

/** Debian packages the lab runs (sshd, etcd, HAProxy, namespaces, keys) and its tests check it with (openssl). */
export const LAB_PACKAGES = [
  'openssh-server',
  'openssh-client',
  'etcd-server',
  'etcd-client',
  'haproxy',
  'openssl',
  'iproute2',
  'util-linux',
] as const;

async function isInstalled(pkg: string): Promise<boolean> {
  try {
    const { stdout } = await run('dpkg-query', ['-W', '-f=${Status}', pkg]);
    return stdout.trim() === 'install ok installed';
  } catch {
    return false;
  }
}

async function missing(packages: readonly string[]): Promise<string[]> {
  const installed = await Promise.all(packages.map(isInstalled));
  return packages.filter((_, i) => !installed[i]);
}

export function missingLabPackages(): Promise<string[]> {
  return missing(LAB_PACKAGES);
}

/** Installs what is missing of `packages` with apt-get (root only); returns what it installed. `purpose` names who needs them. */
export async function ensureDebianPackages(packages: readonly string[], purpose: string): Promise<string[]> {
  const absent = await missing(packages);
  if (absent.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(
      `${purpose} needs Debian packages that are not installed: ${absent.join(', ')}`,
      `Run as root, or install them: sudo apt-get install -y ${absent.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['update'], { env, maxBuffer: 64 << 20 });
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...absent], { env, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new EnvironmentError(
      `apt-get could not install ${absent.join(', ')}: ${(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ')}`,
      `Install them yourself: apt-get install -y ${absent.join(' ')}`,
    );
  }
  return absent;
}

/** Installs what the lab lacks (root only); returns what it installed. */
export function ensureLabPackages(): Promise<string[]> {
  return ensureDebianPackages(LAB_PACKAGES, 'the lab');
}
