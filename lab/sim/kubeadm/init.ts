/**
 * `kubeadm init`: kubeadm's phases in kubeadm's order, the modelled latency spread between them
 * (pacing.ts), so a session lost in the middle leaves the host as far as a real init gets. The
 * phases after the API server is up are the same functions `kubeadm init phase …` runs.
 */
import { mkdirSync } from 'node:fs';
import type { SimContext } from '../context';
import { hostPath } from '../context';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { flagBool } from '../flags';
import { out } from '../output';
import { caCertHash, createControlPlaneLeaves, createSharedCas, readPem } from '../pki';
import { setEnabled, startUnit } from '../services';
import { LATENCY, latencyMs } from '../time';
import { waitHealthy } from './api';
import { K8S_DIR, MANIFESTS_DIR, pki, writeControlPlaneKubeconfigs, writeControlPlaneManifests, writeKubeletFiles, writeManifest, renderEtcdManifest } from './files';
import { etcdImageFor } from './etcd-version';
import { initSuccessText } from './join-text';
import { controlPlaneEndpoint, initOptions } from './options';
import { pacer } from './pacing';
import { applyAddon } from './phases/addons';
import { bootstrapToken } from './phases/bootstrap-token';
import { kubeletFinalize } from './phases/kubelet-finalize';
import { markControlPlane } from './phases/mark-control-plane';
import { uploadKubeadmConfig, uploadKubeletConfig } from './phases/upload-config';
import { runPreflight } from './preflight';
import { serviceIp } from './service-ip';
import { newToken, TOKEN_RE } from './tokens';
import { uploadCerts } from './upload-certs';

const MANIFEST_FILES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'].map((m) => `${MANIFESTS_DIR}/${m}.yaml`);

export async function init(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const pace = pacer(ctx, LATENCY.init);
  const o = initOptions(p, { nodeName: ctx.identity.name, address: ctx.identity.address, kubernetesVersion: ctx.config.kubernetesVersion });
  if (o.token !== undefined && !TOKEN_RE.test(o.token)) {
    throw new SimExit(`the bootstrap token "${o.token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`, 1);
  }
  out(`[init] Using Kubernetes version: ${o.kubernetesVersion}\n`);
  const external = o.externalEtcd;
  // kubeadm checks etcd's ports and data dir only for a local etcd.
  out(await runPreflight({
    address: o.advertiseAddress,
    ports: [o.bindPort, 10259, 10257, 10250, ...(external ? [] : [2379, 2380])],
    files: [...MANIFEST_FILES, `${K8S_DIR}/kubelet.conf`, `${K8S_DIR}/admin.conf`],
    dirsMustBeEmpty: external ? [] : ['/var/lib/etcd'],
    filesMustExist: external ? [external.caFile, external.certFile, external.keyFile].filter(Boolean).map((f) => ({ path: f, label: 'ExternalEtcdClientCertificates' })) : [],
    ignore: o.ignorePreflight,
  }));
  out('[preflight] Pulling images required for setting up a Kubernetes cluster\n');
  out('[preflight] This might take a minute or two, depending on the speed of your internet connection\n');
  out("[preflight] You can also perform this action in beforehand using 'kubeadm config images pull'\n");
  await pace(0.1);

  const endpoint = controlPlaneEndpoint(o);
  out('[certs] Using certificateDir folder "/etc/kubernetes/pki"\n');
  mkdirSync(pki(), { recursive: true });
  await createSharedCas(pki(), external !== undefined);
  await createControlPlaneLeaves(pki(), { nodeName: o.nodeName, address: o.advertiseAddress, endpointHost: endpoint.replace(/:\d+$/, ''), serviceIp: serviceIp(o.serviceSubnet), extraSans: o.certSans, externalEtcd: external !== undefined });
  for (const c of ['ca', 'apiserver', 'apiserver-kubelet-client', 'front-proxy-ca', 'front-proxy-client']) out(`[certs] Generating "${c}" certificate and key\n`);
  if (external) {
    out('[certs] External etcd mode: Skipping etcd/ca certificate authority generation\n');
    for (const c of ['etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client']) out(`[certs] External etcd mode: Skipping ${c} certificate generation\n`);
  } else {
    for (const c of ['etcd/ca', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client']) out(`[certs] Generating "${c}" certificate and key\n`);
  }
  out('[certs] Generating "sa" key and public key\n');
  await pace(0.15);

  out(`[kubeconfig] Using kubeconfig folder "${K8S_DIR}"\n`);
  const written = await writeControlPlaneKubeconfigs({
    nodeName: o.nodeName,
    clusterName: o.clusterName,
    endpointUrl: `https://${endpoint}`,
    localUrl: `https://${o.advertiseAddress}:${o.bindPort}`,
    kubernetesVersion: o.kubernetesVersion,
  });
  for (const f of written) out(`[kubeconfig] Writing "${f}" kubeconfig file\n`);
  await pace(0.18);

  // External etcd: kubeadm writes no etcd manifest (it says so only at --v=1).
  if (!external) {
    out(`[etcd] Creating static Pod manifest for local etcd in "${MANIFESTS_DIR}"\n`);
    mkdirSync(hostPath('/var/lib/etcd'), { recursive: true, mode: 0o700 });
    writeManifest('etcd', renderEtcdManifest({ nodeName: o.nodeName, address: o.advertiseAddress, initialCluster: `${o.nodeName}=https://${o.advertiseAddress}:2380`, existing: false, image: etcdImageFor(o.kubernetesVersion) }));
  }
  out(`[control-plane] Using manifest folder "${MANIFESTS_DIR}"\n`);
  writeControlPlaneManifests({ address: o.advertiseAddress, bindPort: o.bindPort, kubernetesVersion: o.kubernetesVersion, serviceSubnet: o.serviceSubnet, podSubnet: o.podSubnet, clusterName: o.clusterName, externalEtcd: external });
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) out(`[control-plane] Creating static Pod manifest for "${c}"\n`);
  await pace(0.22);

  out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"\n');
  out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n');
  writeKubeletFiles(o.criSocket, o.advertiseAddress, o.nodeName, ctx.identity.name);
  out('[kubelet-start] Starting the kubelet\n');
  setEnabled('kubelet', true);
  startUnit('kubelet');
  await pace(0.25);

  out(`[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "${MANIFESTS_DIR}"\n`);
  out('[kubelet-check] Waiting for a healthy kubelet. This can take up to 4m0s\n');
  out('[kubelet-check] The kubelet is healthy after 501.2ms\n');
  out('[api-check] Waiting for a healthy API server. This can take up to 4m0s\n');
  const ca = readPem(pki(), 'ca.crt');
  const waited = await waitHealthy(o.advertiseAddress, o.bindPort, '/readyz', ca, Math.max(30_000, latencyMs(ctx.config, 240_000)));
  if (waited === undefined) {
    throw new SimExit(
      'error execution phase wait-control-plane: could not initialize a Kubernetes cluster\n[api-check] The API server is not healthy after 4m0s\n\nUnfortunately, an error has occurred:\n\tcontext deadline exceeded\n\nThis error is likely caused by:\n\t- The kubelet is not running\n\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)\nTo see the stack trace of this error execute with --v=5 or higher',
      1,
    );
  }
  out(`[api-check] The API server is healthy after ${(waited / 1000).toFixed(3)}s\n`);
  // The longest stretch: a session lost here leaves a control plane that runs but was never configured.
  await pace(0.7);

  await uploadKubeadmConfig(ctx, o);
  await uploadKubeletConfig(ctx);
  await pace(0.74);

  let certificateKey: string | undefined;
  if (o.uploadCerts) certificateKey = await uploadCerts(ctx, o.certificateKey, external);
  else out('[upload-certs] Skipping phase. Please see --upload-certs\n');
  await pace(0.78);

  await markControlPlane(ctx, o.nodeName, 'mark-control-plane');
  await pace(0.82);

  const token = o.token ?? newToken();
  await bootstrapToken(ctx, o, token, { server: `https://${endpoint}`, ca }, !flagBool(p, 'skip-token-print'));
  await pace(0.86);

  kubeletFinalize();
  await pace(0.88);

  await applyAddon(ctx, 'CoreDNS');
  await applyAddon(ctx, 'kube-proxy');
  await pace(1);
  out(initSuccessText({ endpoint, token, caHash: caCertHash(ca), certificateKey }, o.controlPlaneEndpoint !== undefined));
  return 0;
}
