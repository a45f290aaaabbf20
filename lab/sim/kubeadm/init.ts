/** `kubeadm init`: preflight, PKI, kubeconfigs, static Pods, kubelet, API wait, token, upload-certs. */
import { mkdirSync } from 'node:fs';
import type { SimContext } from '../context';
import { hostPath } from '../context';
import { SimExit } from '../errors';
import { slowFactor } from '../faults-file';
import type { ParsedArgs } from '../flags';
import { caCertHash, createControlPlaneLeaves, createSharedCas, readPem } from '../pki';
import { setEnabled, startUnit } from '../services';
import { updateStore } from '../store';
import { LATENCY, latencyMs, sleep } from '../time';
import { waitHealthy } from './api';
import { K8S_DIR, MANIFESTS_DIR, pki, writeControlPlaneKubeconfigs, writeControlPlaneManifests, writeKubeletFiles, writeManifest, renderEtcdManifest } from './files';
import { initSuccessText } from './join-text';
import { registerNode } from './node';
import { initOptions } from './options';
import { runPreflight } from './preflight';
import { makeToken, newToken, TOKEN_RE } from './tokens';
import { uploadCerts } from './upload-certs';
import { serviceIp } from './service-ip';
import { out } from '../output';

const MANIFEST_FILES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'].map((m) => `${MANIFESTS_DIR}/${m}.yaml`);

export async function init(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const started = Date.now();
  const o = initOptions(p, { nodeName: ctx.identity.name, address: ctx.identity.address, kubernetesVersion: ctx.config.kubernetesVersion });
  if (o.token !== undefined && !TOKEN_RE.test(o.token)) {
    throw new SimExit(`the bootstrap token "${o.token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`, 1);
  }
  out(`[init] Using Kubernetes version: ${o.kubernetesVersion}\n`);
  out(await runPreflight({
    address: o.advertiseAddress,
    ports: [o.bindPort, 10259, 10257, 10250, 2379, 2380],
    files: [...MANIFEST_FILES, `${K8S_DIR}/kubelet.conf`, `${K8S_DIR}/admin.conf`],
    dirsMustBeEmpty: ['/var/lib/etcd'],
    ignore: o.ignorePreflight,
  }));
  out('[preflight] Pulling images required for setting up a Kubernetes cluster\n');
  out('[preflight] This might take a minute or two, depending on the speed of your internet connection\n');
  out("[preflight] You can also perform this action in beforehand using 'kubeadm config images pull'\n");

  const endpoint = o.controlPlaneEndpoint
    ? (o.controlPlaneEndpoint.includes(':') ? o.controlPlaneEndpoint : `${o.controlPlaneEndpoint}:${o.bindPort}`)
    : `${o.advertiseAddress}:${o.bindPort}`;
  const endpointHost = endpoint.replace(/:\d+$/, '');
  out('[certs] Using certificateDir folder "/etc/kubernetes/pki"\n');
  mkdirSync(pki(), { recursive: true });
  createSharedCas(pki());
  createControlPlaneLeaves(pki(), { nodeName: o.nodeName, address: o.advertiseAddress, endpointHost, serviceIp: serviceIp(o.serviceSubnet), extraSans: o.certSans });
  for (const c of ['ca', 'apiserver', 'apiserver-kubelet-client', 'front-proxy-ca', 'front-proxy-client', 'etcd/ca', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client']) {
    out(`[certs] Generating "${c}" certificate and key\n`);
  }
  out('[certs] Generating "sa" key and public key\n');
  out(`[kubeconfig] Using kubeconfig folder "${K8S_DIR}"\n`);
  const written = writeControlPlaneKubeconfigs({
    nodeName: o.nodeName,
    clusterName: o.clusterName,
    endpointUrl: `https://${endpoint}`,
    localUrl: `https://${o.advertiseAddress}:${o.bindPort}`,
    kubernetesVersion: o.kubernetesVersion,
  });
  for (const f of written) out(`[kubeconfig] Writing "${f}" kubeconfig file\n`);
  out(`[etcd] Creating static Pod manifest for local etcd in "${MANIFESTS_DIR}"\n`);
  mkdirSync(hostPath('/var/lib/etcd'), { recursive: true, mode: 0o700 });
  writeManifest('etcd', renderEtcdManifest({ nodeName: o.nodeName, address: o.advertiseAddress, initialCluster: `${o.nodeName}=https://${o.advertiseAddress}:2380`, existing: false }));
  out(`[control-plane] Using manifest folder "${MANIFESTS_DIR}"\n`);
  writeControlPlaneManifests({ address: o.advertiseAddress, bindPort: o.bindPort, kubernetesVersion: o.kubernetesVersion, serviceSubnet: o.serviceSubnet, podSubnet: o.podSubnet, clusterName: o.clusterName });
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) out(`[control-plane] Creating static Pod manifest for "${c}"\n`);
  out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"\n');
  out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n');
  writeKubeletFiles(o.criSocket, o.advertiseAddress);
  out('[kubelet-start] Starting the kubelet\n');
  setEnabled('kubelet', true);
  startUnit('kubelet');
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
  out('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace\n');
  out('[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system with the configuration for the kubelets in the cluster\n');
  let certificateKey: string | undefined;
  if (o.uploadCerts) {
    const up = await uploadCerts(ctx, o.certificateKey);
    certificateKey = up.key;
    out(up.output);
  } else {
    out('[upload-certs] Skipping phase. Please see --upload-certs\n');
  }
  out(`[mark-control-plane] Marking the node ${o.nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]\n`);
  out(`[mark-control-plane] Marking the node ${o.nodeName} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]\n`);
  const token = o.token ?? newToken();
  out(`[bootstrap-token] Using token: ${token}\n`);
  out('[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles\n');
  out('[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace\n');
  await updateStore(ctx.identity.labDir, (s) => {
    s.cluster = {
      clusterName: o.clusterName,
      controlPlaneEndpoint: endpoint,
      kubernetesVersion: o.kubernetesVersion,
      podSubnet: o.podSubnet,
      serviceSubnet: o.serviceSubnet,
      caCert: ca,
      caKey: readPem(pki(), 'ca.key'),
      certSans: o.certSans,
      initializedAt: Date.now(),
      initHost: ctx.identity.name,
    };
    s.tokens = s.tokens.filter((t) => t.token !== token);
    s.tokens.push({ ...makeToken(ctx.config, token, o.tokenTtlMs), description: 'The default bootstrap token generated by \'kubeadm init\'.' });
    registerNode(s, ctx, o.nodeName, o.advertiseAddress, true);
    s.pods = s.pods.filter((pod) => !pod.name.startsWith('coredns-'));
    for (const suffix of ['7db6d8ff4d-4xk2p', '7db6d8ff4d-9tvkq']) s.pods.push({ namespace: 'kube-system', name: `coredns-${suffix}`, createdAt: Date.now() });
  });
  out('[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client certificate and key\n');
  out('[addons] Applied essential addon: CoreDNS\n');
  out('[addons] Applied essential addon: kube-proxy\n');
  const remaining = latencyMs(ctx.config, LATENCY.init, slowFactor(ctx.identity.labDir, ctx.identity.name)) - (Date.now() - started);
  if (remaining > 0) await sleep(remaining);
  out(initSuccessText({ endpoint, token, caHash: caCertHash(ca), certificateKey }, o.controlPlaneEndpoint !== undefined));
  return 0;
}
