/**
 * What the worker reads from its own disk is the worker's configuration, not the spec's: a spec
 * (which any Temporal client may send) only *names* an SSH key, the worker maps it to a file in
 * its key directory; known_hosts and whether new host keys may be accepted are the worker's; a
 * CNI manifest may come only from the worker's manifest directory. Paths are resolved with
 * realpath, so `..` and symlinks cannot lead out.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { SshSpec } from '../spec/types';
import { failure } from './failures';
import { FailureTypes } from './types';

export interface WorkerFiles {
  /** Directory holding the private keys the spec may name (`ssh.privateKey`: a file name in it, or a path inside it). */
  sshKeyDir: string;
  /** The worker's known_hosts: host keys are checked (and, when allowed, recorded) here, whatever the spec says. */
  knownHosts: string;
  /** Whether unknown host keys may be accepted; the spec can only narrow it (both must allow). */
  acceptNewHostKeys: boolean;
  /** Directory CNI manifests named by path may come from; unset allows only the built-in CNIs. */
  manifestDir?: string;
}

function inside(dir: string, file: string, what: string, fix: string): string {
  let real: string;
  let realDir: string;
  try {
    realDir = realpathSync(dir);
    real = realpathSync(path.isAbsolute(file) ? file : path.join(dir, file));
  } catch (e) {
    throw failure(FailureTypes.invalidSpec, `${what} ${JSON.stringify(file)} does not exist in ${dir} on the worker (${(e as Error).message}); ${fix}`);
  }
  if (real !== realDir && !real.startsWith(`${realDir}${path.sep}`)) {
    throw failure(FailureTypes.invalidSpec, `${what} ${JSON.stringify(file)} is outside ${dir}, the directory this worker reads it from; ${fix}`);
  }
  return real;
}

/** The SSH settings the worker actually uses for a host. */
export function workerSsh(files: WorkerFiles, ssh: SshSpec): SshSpec {
  return {
    ...ssh,
    privateKey: inside(files.sshKeyDir, ssh.privateKey, 'ssh.privateKey', `put the key in the worker's key directory (kubeha worker --ssh-key-dir) and name it in the spec`),
    knownHosts: files.knownHosts,
    acceptNewHostKeys: files.acceptNewHostKeys && ssh.acceptNewHostKeys,
  };
}

/** A CNI manifest file the spec names, resolved inside the worker's manifest directory. */
export function workerManifest(files: WorkerFiles, name: string): string {
  if (!files.manifestDir) {
    throw failure(FailureTypes.invalidSpec, `networking.cni ${JSON.stringify(name)}: this worker reads no manifest files (start it with --manifest-dir DIR), so only the built-in CNIs can be used`);
  }
  return inside(files.manifestDir, name, 'networking.cni', 'put the manifest in the worker\'s --manifest-dir');
}
