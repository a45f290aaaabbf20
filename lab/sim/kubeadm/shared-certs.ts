/**
 * kubeadm's SharedCertificateExists (phases/certs/certs.go): what a control plane joining without
 * --certificate-key must already have, with kubeadm's error texts, aggregated as apimachinery's
 * utilerrors.NewAggregate prints them (one error bare, several in brackets). A missing CA key is
 * only a warning in kubeadm (an external CA), so it is not checked here.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { pki } from './files';

const PKI = '/etc/kubernetes/pki';

function caProblem(base: string, uxName: string): string | undefined {
  const shown = `${PKI}/${base}.crt`;
  const file = `${pki()}/${base}.crt`;
  if (!existsSync(file)) return `failure loading certificate for ${uxName}: couldn't load the certificate file ${shown}: open ${shown}: no such file or directory`;
  try {
    if (!new X509Certificate(readFileSync(file)).ca) return `certificate ${uxName} is not a CA`;
  } catch {
    return `failure loading certificate for ${uxName}: couldn't load the certificate file ${shown}: data does not contain any valid RSA or ECDSA certificates`;
  }
  return undefined;
}

function serviceAccountProblem(): string | undefined {
  for (const [ext, what] of [['key', 'private key'], ['pub', 'public key']] as const) {
    const shown = `${PKI}/sa.${ext}`;
    if (!existsSync(`${pki()}/sa.${ext}`)) return `failure loading key for service account: couldn't load the ${what} file ${shown}: open ${shown}: no such file or directory`;
  }
  return undefined;
}

/** The aggregated error, or undefined when every shared certificate is there. `externalEtcd`: the etcd CA is not checked. */
export function sharedCertificatesError(externalEtcd: boolean): string | undefined {
  const errors = [caProblem('ca', 'CA'), serviceAccountProblem(), caProblem('front-proxy-ca', 'front-proxy CA'), externalEtcd ? undefined : caProblem('etcd/ca', 'etcd CA')].filter(
    (e): e is string => e !== undefined,
  );
  if (errors.length === 0) return undefined;
  return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}

/** cmd/kubeadm/app/cmd/phases/join/preflight.go's notReadyToJoinControlPlaneTemp around `error`. */
export function notReadyToJoinControlPlane(error: string): string {
  return `
One or more conditions for hosting a new control plane instance is not satisfied.

${error}

Please ensure that:
* The cluster has a stable controlPlaneEndpoint address.
* The certificates that must be shared among control plane instances are provided.

`;
}
