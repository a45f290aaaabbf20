import type { ClusterSpec, HostSpec } from '../spec/types';
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
  spec: ClusterSpec;
  host: HostSpec;
  as: 'control-plane' | 'worker';
  secrets: JoinSecrets;
}

/** The JoinConfiguration for one host; rendered at join time because it carries the secrets. */
export function renderKubeadmJoin({ spec, host, as, secrets }: JoinRenderInput): string {
  if (as === 'control-plane' && !secrets.certificateKey) {
    throw new Error(`joining ${host.name} as a control plane needs a certificate key`);
  }
  const api = kubeadmApiFor(spec.kubernetesVersion);
  const join: Record<string, unknown> = {
    apiVersion: api,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: { apiServerEndpoint: spec.controlPlaneEndpoint, token: secrets.token, caCertHashes: [secrets.caCertHash] },
    },
    nodeRegistration: kubeadmNodeRegistration(spec, host, api),
  };
  if (as === 'control-plane') {
    join.controlPlane = {
      localAPIEndpoint: { advertiseAddress: host.address, bindPort: apiServerBindPort(spec) },
      certificateKey: secrets.certificateKey,
    };
  }
  return yamlDocuments([join]);
}
