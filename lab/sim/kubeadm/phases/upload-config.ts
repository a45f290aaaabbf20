/** upload-config: the kubeadm-config and kubelet-config ConfigMaps that joins and upgrades read. */
import type { SimContext } from '../../context';
import { out } from '../../output';
import { updateStore } from '../../store';
import type { InitOptions } from '../options';
import { controlPlaneEndpoint } from '../options';

export async function uploadKubeadmConfig(ctx: SimContext, o: InitOptions): Promise<void> {
  out('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace\n');
  await updateStore(ctx.identity.labDir, (s) => {
    s.cluster = {
      clusterName: o.clusterName,
      controlPlaneEndpoint: controlPlaneEndpoint(o),
      kubernetesVersion: o.kubernetesVersion,
      podSubnet: o.podSubnet,
      serviceSubnet: o.serviceSubnet,
      certSans: o.certSans,
      ...(o.externalEtcd ? { externalEtcd: o.externalEtcd } : {}),
      initializedAt: s.cluster?.initializedAt ?? Date.now(),
      initHost: s.cluster?.initHost ?? ctx.identity.name,
    };
  });
}

export async function uploadKubeletConfig(ctx: SimContext): Promise<void> {
  out('[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system with the configuration for the kubelets in the cluster\n');
  await updateStore(ctx.identity.labDir, (s) => {
    s.kubeletConfig = { uploadedAt: Date.now() };
  });
}
