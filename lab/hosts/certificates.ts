/**
 * The "certificates near expiry" fault: a control plane's kubeadm certificates re-issued (same
 * subjects, SANs and CAs, as `kubeadm certs renew` would) with notAfter `days` from now, and its
 * API server restarted by the kubelet so that it serves the short-lived certificate too.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OperationError, UsageError } from '../../src/client/errors';
import { labPaths } from '../layout';
import { reissueAll } from '../sim/kubeadm/certs';
import { readStore } from '../sim/store';
import { isDead, waitFor } from './processes';

const APISERVER_PID = 'pod-kube-apiserver.pid';

function apiServerPid(labDir: string, host: string): number | undefined {
  const file = path.join(labPaths(labDir).hostPrivate(host, '/run/kubeha-lab'), APISERVER_PID);
  if (!existsSync(file)) return undefined;
  try {
    const pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid;
    return typeof pid === 'number' && !isDead(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Returns the certificates re-issued. */
export async function expireCertificatesIn(labDir: string, host: string, days: number): Promise<string[]> {
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError(`certs-near-expiry: --days must be a whole number from 1 to 3650 (got ${days})`);
  const k8sDir = labPaths(labDir).hostPrivate(host, '/etc/kubernetes');
  if (!existsSync(path.join(k8sDir, 'pki', 'ca.key'))) throw new OperationError(`${host}: no kubeadm PKI in /etc/kubernetes/pki (not a control plane brought up yet)`);
  // As `kubeadm certs renew` would: with external etcd, not the etcd certificates (the user's apiserver-etcd-client included).
  const renewed = await reissueAll(k8sDir, days, readStore(labDir).cluster?.externalEtcd !== undefined);
  const before = apiServerPid(labDir, host);
  if (before !== undefined) {
    process.kill(before, 'SIGTERM');
    const restarted = await waitFor(() => {
      const now = apiServerPid(labDir, host);
      return now !== undefined && now !== before;
    }, 15_000, 100);
    if (!restarted) throw new OperationError(`${host}: the kubelet did not restart kube-apiserver within 15 s after the certificates were re-issued`);
  }
  return renewed;
}
