/** kubeadm join's control-plane-prepare: download-certs, this node's certificates, kubeconfigs and control-plane manifests. */
import type { SimContext } from '../../context';
import { out } from '../../output';
import { createControlPlaneLeaves } from '../../pki';
import type { Discovered } from '../discovery';
import { K8S_DIR, MANIFESTS_DIR, pki, writeControlPlaneKubeconfigs, writeControlPlaneManifests } from '../files';
import type { JoinOptions } from '../options';
import { serviceIp } from '../service-ip';
import { downloadCerts } from '../upload-certs';

/** Without a certificate key (kubeadm skips download-certs silently) the CAs already on disk sign this node's certificates. */
export async function controlPlanePrepare(ctx: SimContext, o: JoinOptions, certificateKey: string | undefined, { config }: Discovered): Promise<void> {
  if (certificateKey) {
    out('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n');
    downloadCerts(ctx, certificateKey);
    out('[download-certs] Saving the certificates to the folder: "/etc/kubernetes/pki"\n');
  }
  out('[certs] Using certificateDir folder "/etc/kubernetes/pki"\n');
  await createControlPlaneLeaves(pki(), { nodeName: o.nodeName, address: o.advertiseAddress, endpointHost: config.controlPlaneEndpoint.replace(/:\d+$/, ''), serviceIp: serviceIp(config.serviceSubnet), extraSans: config.certSans, externalEtcd: config.externalEtcd !== undefined });
  out('[certs] Valid certificates and keys now exist in "/etc/kubernetes/pki"\n');
  out('[certs] Using the existing "sa" key\n');
  out(`[kubeconfig] Generating kubeconfig files\n[kubeconfig] Using kubeconfig folder "${K8S_DIR}"\n`);
  const written = await writeControlPlaneKubeconfigs({
    nodeName: o.nodeName,
    clusterName: config.clusterName,
    endpointUrl: `https://${config.controlPlaneEndpoint}`,
    localUrl: `https://${o.advertiseAddress}:${o.bindPort}`,
    kubernetesVersion: config.kubernetesVersion,
    joining: true,
  });
  for (const f of written) out(`[kubeconfig] Writing "${f}" kubeconfig file\n`);
  out(`[control-plane] Using manifest folder "${MANIFESTS_DIR}"\n`);
  writeControlPlaneManifests({ address: o.advertiseAddress, bindPort: o.bindPort, kubernetesVersion: config.kubernetesVersion, serviceSubnet: config.serviceSubnet, podSubnet: config.podSubnet, clusterName: config.clusterName, externalEtcd: config.externalEtcd });
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) out(`[control-plane] Creating static Pod manifest for "${c}"\n`);
  out(config.externalEtcd ? '[check-etcd] Skipping etcd check in external mode\n' : '[check-etcd] Checking that the etcd cluster is healthy\n');
}
