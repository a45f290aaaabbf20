/**
 * kubeadm's ClusterConfiguration in the cluster (the kubeadm-config ConfigMap), uploaded again as
 * kubeha renders it from the spec: after a control plane moved to a new address (kubeha replace)
 * its certSANs (apiServer, etcd server and peer) name the new address instead of the old one.
 */
import { uploadKubeadmConfig } from '../remote/kubeadm';
import { KUBEHA_DIR } from '../remote/paths';
import { renderKubeadmInit } from '../render';
import type { ActivityDeps } from './deps';
import { localApiUrl } from './kubeadm-state';
import { hostStep } from './step';
import type { HostStepInput } from './types';

const CONFIG = `${KUBEHA_DIR}/kubeadm-upload-config.yaml`;

export function createClusterConfigActivities(deps: ActivityDeps) {
  return {
    /** Run on a control plane. The upload replaces the ConfigMap's ClusterConfiguration whole, so running it again changes nothing. */
    async uploadClusterConfiguration({ cluster, host }: HostStepInput): Promise<void> {
      const step = hostStep(deps, host, 'upload-cluster-config');
      // No token or certificate key: the file carries no secret.
      await step.writeFile(CONFIG, renderKubeadmInit(cluster, { host }), 0o600);
      await step.runChecked(uploadKubeadmConfig.render({ config: CONFIG, server: localApiUrl(cluster, host) }), { timeoutMs: 2 * 60_000 });
      step.log(`uploaded the ClusterConfiguration (control planes ${cluster.controlPlanes.map((h) => `${h.name}=${h.address}`).join(', ')})`);
    },
  };
}
