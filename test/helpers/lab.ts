import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LabHandle, StartLabOptions } from '../../lab';
import { labPids, startLab, stopLabHostsAt } from '../../lab';
import { labPaths } from '../../lab/layout';

/** A lab in its own temp dir; `dispose()` stops it and removes the dir. */
export async function startTestLab(options: Omit<StartLabOptions, 'dir'> & { addressPrefix: string }): Promise<LabHandle & { dispose(): Promise<void> }> {
  // A crashed earlier run of the same test file may have left its hosts on this prefix.
  await stopLabHostsAt(options.addressPrefix);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-lab-'));
  const lab = await startLab({ controlPlanes: 1, workers: 0, timeScale: 3600, ...options, dir });
  return {
    ...lab,
    dispose: async () => {
      await lab.stop();
      if (labPids(dir).size === 0) await rm(dir, { recursive: true, force: true });
    },
  };
}

export { tcpProbe } from './tcp';

/** The SSH settings a lab's cluster.yaml carries, for tests that connect without reading the spec. */
export function labSsh(lab: LabHandle): { user: 'root'; port: 22; privateKey: string; knownHosts: string } {
  const paths = labPaths(lab.dir);
  return { user: 'root', port: 22, privateKey: paths.privateKey, knownHosts: paths.knownHosts };
}

/** kubeadm's error for a control-plane join whose uploaded certificates are gone (expired or deleted). */
export const CERTS_SECRET_GONE =
  'error execution phase control-plane-prepare/download-certs: error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one';

/** `run` (result as is) and `ok` (stdout, or an error with the whole result) on the hosts of the lab `current()` returns. */
export function hostCommands(current: () => LabHandle) {
  const run = (host: string, command: string) => current().host(host).run(command, { timeoutMs: 90_000 });
  const ok = async (host: string, command: string): Promise<string> => {
    const r = await run(host, command);
    if (r.code !== 0) throw new Error(`${host}: \`${command}\` exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  };
  return { run, ok };
}
