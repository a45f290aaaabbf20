import type { SshSpec } from '../spec/types';

/** What the SSH layer needs to reach a host: a HostSpec satisfies it. */
export interface SshTarget {
  name: string;
  address: string;
  ssh: SshSpec;
}

export function needsSudo(target: SshTarget): boolean {
  return target.ssh.sudo || target.ssh.user !== 'root';
}

export function poolKey(target: SshTarget): string {
  const jump = target.ssh.jumpHost ? ` via ${target.ssh.jumpHost.user}@${target.ssh.jumpHost.address}:${target.ssh.jumpHost.port}` : '';
  return `${target.ssh.user}@${target.address}:${target.ssh.port}${jump}`;
}
