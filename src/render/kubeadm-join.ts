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
  if (as === 'control-plane' && !secrets.certificateKey) {
    throw new Error(`joining ${host.name} as a control plane needs a certificate key`);
  }
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
      certificateKey: secrets.certificateKey,
    };
  }
  return yamlDocuments([join]);
}
