import type { Command } from 'commander';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { WorkerFiles } from '../activities/worker-files';

export interface WorkerFileFlags {
  sshKeyDir: string;
  knownHosts: string;
  acceptNewHostKeys?: boolean;
  manifestDir?: string;
}

/** The worker's own files: what a spec may only name, never choose (docs/SECURITY.md). */
export function addWorkerFileOptions(command: Command): Command {
  return command
    .option('--ssh-key-dir <dir>', 'directory of the SSH private keys a spec may name (ssh.privateKey)', path.join(homedir(), '.ssh'))
    .option('--known-hosts <file>', "this worker's known_hosts (the spec's ssh.knownHosts is not read)", path.join(homedir(), '.ssh', 'known_hosts'))
    .option('--accept-new-host-keys', 'record unknown host keys on first use (only for hosts whose spec allows it too)')
    .option('--manifest-dir <dir>', 'directory CNI manifests named by path may come from (default: built-in CNIs only)');
}

export function workerFilesFrom(flags: WorkerFileFlags): WorkerFiles {
  return {
    sshKeyDir: path.resolve(flags.sshKeyDir),
    knownHosts: path.resolve(flags.knownHosts),
    acceptNewHostKeys: flags.acceptNewHostKeys ?? false,
    ...(flags.manifestDir ? { manifestDir: path.resolve(flags.manifestDir) } : {}),
  };
}
