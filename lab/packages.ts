import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvironmentError } from '../src/client/errors';

const run = promisify(execFile);

/** Debian packages the lab itself runs (sshd, etcd, HAProxy, namespaces, keys). */
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

export async function missingLabPackages(): Promise<string[]> {
  const installed = await Promise.all(LAB_PACKAGES.map(isInstalled));
  return LAB_PACKAGES.filter((_, i) => !installed[i]);
}

/** Installs what is missing with apt-get (root only); returns what it installed. */
export async function ensureLabPackages(): Promise<string[]> {
  const missing = await missingLabPackages();
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(
      `the lab needs Debian packages that are not installed: ${missing.join(', ')}`,
      `Run as root, or install them: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['update'], { env, maxBuffer: 64 << 20 });
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new EnvironmentError(
      `apt-get could not install ${missing.join(', ')}: ${(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ')}`,
      `Install them yourself: apt-get install -y ${missing.join(' ')}`,
    );
  }
  return missing;
}
