/**
 * Manual certificate distribution: the shared CA material streamed from a control plane to a
 * joining one inside this one activity. The bytes pass through the worker between the two SSH
 * sessions only; what comes back (and is logged) is which paths were copied or already there.
 */
import { parseReceived, receiveSharedCertificates, sendSharedCertificates, sharedCertificateFiles } from '../remote/shared-certificates';
import type { HostSpec } from '../spec/types';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { hostStep } from './step';
import type { ClusterSettings, CopySharedCertificatesInput, CopySharedCertificatesResult } from './types';
import { FailureTypes } from './types';

const isControlPlane = (cluster: ClusterSettings, host: HostSpec): boolean => cluster.controlPlanes.some((cp) => cp.name === host.name && cp.address === host.address);

/** Copies `files` from `host` to `target`; shared by the activity and a join that had to reset its host. */
export async function copySharedCertificates(deps: ActivityDeps, { cluster, host, target }: CopySharedCertificatesInput): Promise<CopySharedCertificatesResult> {
  if (target.name === host.name) throw failure(FailureTypes.invalidSpec, `${host.name}: the shared certificates cannot be copied from a host to itself`);
  for (const h of [host, target]) {
    if (!isControlPlane(cluster, h)) throw failure(FailureTypes.invalidSpec, `${h.name}: not a control plane of cluster ${cluster.name}; the shared certificates go only between its control planes`);
  }
  const files = sharedCertificateFiles(cluster.etcd);
  const from = hostStep(deps, host, `copy-certificates-to-${target.name}`);
  const to = hostStep(deps, target, `certificates-from-${host.name}`);
  const { sent, received } = await from.pipe(sendSharedCertificates.render({ files }), to, receiveSharedCertificates.render({ files }), { timeoutMs: 2 * 60_000 });
  if (sent.code === 3) {
    throw failure(
      FailureTypes.hostNeedsAttention,
      `${host.name}: the shared certificates cannot be copied to ${target.name}: ${lastLines(sent.stderr, 1).replace(/^missing:\s*/, 'missing ')} (is ${host.name} an initialized control plane?)`,
      { host: host.name },
    );
  }
  const lines = parseReceived(received.stdout);
  if (received.code === 3) {
    const differ = lines.filter((l) => l.state === 'differs').map((l) => l.path);
    throw failure(
      FailureTypes.sharedCertificatesDiffer,
      `${target.name}: ${differ.join(', ')} already ${differ.length === 1 ? 'exists' : 'exist'} with content other than ${host.name}'s (another cluster's or an older CA); kubeha does not overwrite them. If they are stale, remove them (kubeadm reset -f on ${target.name}) and run again`,
      { host: target.name, files: differ },
    );
  }
  if (sent.code !== 0) throw failure(FailureTypes.remoteCommand, `${host.name}: sending the shared certificates to ${target.name} failed (exit ${sent.code}): ${lastLines(sent.stderr, 2)}`, { host: host.name });
  if (received.code !== 0) throw failure(FailureTypes.remoteCommand, `${target.name}: receiving the shared certificates from ${host.name} failed (exit ${received.code}): ${lastLines(received.stderr, 2)}`, { host: target.name });
  const copied = lines.filter((l) => l.state === 'copied').map((l) => l.path);
  const unchanged = lines.filter((l) => l.state !== 'copied').map((l) => l.path);
  from.log(copied.length ? `copied ${copied.length} shared certificate file(s) to ${target.name}: ${copied.join(', ')}` : `${target.name} already has the shared certificates: nothing copied`);
  return { copied, unchanged };
}

export function createSharedCertificateActivities(deps: ActivityDeps) {
  return {
    copySharedCertificates: (input: CopySharedCertificatesInput): Promise<CopySharedCertificatesResult> => copySharedCertificates(deps, input),
  };
}
