import { copiesCertificates } from '../spec/certificate-distribution';
import type { HostSpec } from '../spec/types';
import type { RenderCluster } from './cluster';
import { kubeadmApiFor } from './kubeadm-api';
import { apiServerBindPort, kubeadmNodeRegistration } from './kubeadm-init';
import { yamlDocuments } from './yaml-docs';

export interface JoinSecrets {
  /** `abcdef.0123456789abcdef` */
  token: string;
  /** `sha256:<hex>` */
  caCertHash: string;
  /** Required when joining as a control plane. */
  certificateKey?: string;
}

export interface JoinRenderInput {
  cluster: RenderCluster;
  host: HostSpec;
  as: 'control-plane' | 'worker';
  secrets: JoinSecrets;
}

/** The JoinConfiguration for one host; rendered at join time because it carries the secrets. */
export function renderKubeadmJoin({ cluster, host, as, secrets }: JoinRenderInput): string {
  const copied = copiesCertificates(cluster);
  if (as === 'control-plane' && !copied && !secrets.certificateKey) {
    throw new Error(`joining ${host.name} as a control plane needs a certificate key`);
  }
  if (as === 'control-plane' && copied && secrets.certificateKey) throw new Error(`joining ${host.name}: no certificate key with certificateDistribution manual (the certificates are copied, not downloaded)`);
  const api = kubeadmApiFor(cluster.kubernetesVersion);
  const join: Record<string, unknown> = {
    apiVersion: api,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: { apiServerEndpoint: cluster.controlPlaneEndpoint, token: secrets.token, caCertHashes: [secrets.caCertHash] },
    },
    nodeRegistration: kubeadmNodeRegistration(cluster, host, api),
  };
  if (as === 'control-plane') {
    join.controlPlane = {
      localAPIEndpoint: { advertiseAddress: host.address, bindPort: apiServerBindPort(cluster) },
      ...(secrets.certificateKey ? { certificateKey: secrets.certificateKey } : {}),
    };
  }
  return yamlDocuments([join]);
}
