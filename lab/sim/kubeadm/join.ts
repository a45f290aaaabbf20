/** `kubeadm join`: discovery (token + CA pin), then a worker or a new control plane with etcd member add. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SimContext } from '../context';
import { hostPath } from '../context';
import { SimExit } from '../errors';
import { memberList, etcdctl, initialClusterFrom } from '../etcdctl';
import { slowFactor } from '../faults-file';
import type { ParsedArgs } from '../flags';
import { caCertHash, createControlPlaneLeaves, readPem } from '../pki';
import { setEnabled, startUnit } from '../services';
import { readStore, updateStore } from '../store';
import type { ClusterInfo } from '../store';
import { LATENCY, latencyMs, nodeStaleAfterMs, scaled, sleep } from '../time';
import { splitHostPort, tcpReachable, waitHealthy } from './api';
import { K8S_DIR, MANIFESTS_DIR, pki, renderEtcdManifest, writeControlPlaneKubeconfigs, writeControlPlaneManifests, writeKubeletFiles, writeKubeletKubeconfig, writeManifest } from './files';
import { registerNode } from './node';
import { joinOptions } from './options';
import type { JoinOptions } from './options';
import { runPreflight } from './preflight';
import { serviceIp } from './service-ip';
import { downloadCerts } from './upload-certs';
import { liveToken, TOKEN_RE } from './tokens';
import { out } from '../output';

const fail = (phase: string, msg: string) => new SimExit(`error execution phase ${phase}: ${msg}\nTo see the stack trace of this error execute with --v=5 or higher`, 1);

async function discover(ctx: SimContext, o: JoinOptions): Promise<ClusterInfo> {
  const idMatch = TOKEN_RE.exec(o.token);
  if (!idMatch) throw new SimExit(`discovery.bootstrapToken.token: Invalid value: "${o.token}": the bootstrap token is invalid`, 1);
  if (o.caCertHashes.length === 0 && !o.unsafeSkipCaVerification) {
    throw new SimExit('discovery.bootstrapToken: Invalid value: "": using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue', 1);
  }
  const { host, port } = splitHostPort(o.endpoint);
  const deadline = Date.now() + Math.max(scaled(ctx.config, 300_000), 5_000);
  for (;;) {
    const err = await tcpReachable(host, port);
    if (!err) break;
    if (Date.now() > deadline) {
      throw fail('preflight', `couldn't validate the identity of the API Server: Get "https://${host}:${port}/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s": dial tcp ${host}:${port}: ${err}`);
    }
    await sleep(250);
  }
  // Like kubeadm, an unknown token is retried until the discovery timeout: it may be created meanwhile.
  let store = readStore(ctx.identity.labDir);
  while (!store.cluster || !liveToken(store.tokens, o.token)) {
    if (Date.now() > deadline) {
      throw fail('preflight', `couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "${idMatch[1]}"`);
    }
    await sleep(250);
    store = readStore(ctx.identity.labDir);
  }
  const actual = caCertHash(store.cluster.caCert);
  if (!o.unsafeSkipCaVerification && !o.caCertHashes.some((h) => h.toLowerCase() === actual)) {
    throw fail('preflight', `couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${actual}" are pinned`);
  }
  out(`[discovery] Cluster info signature and contents are valid and TLS certificate validates against pinned roots, will use API Server "${o.endpoint}"\n`);
  return store.cluster;
}

function assertNameFree(ctx: SimContext, o: JoinOptions): void {
  const node = readStore(ctx.identity.labDir).nodes[o.nodeName];
  if (node && node.address !== o.advertiseAddress && node.heartbeatAt !== undefined && Date.now() - node.heartbeatAt < nodeStaleAfterMs(ctx.config)) {
    throw fail('kubelet-start', `a Node with name "${o.nodeName}" and status "Ready" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node`);
  }
}

async function addEtcdMember(ctx: SimContext, o: JoinOptions): Promise<string> {
  const store = readStore(ctx.identity.labDir);
  const endpoints = Object.values(store.nodes).filter((n) => n.controlPlane && n.address !== o.advertiseAddress).map((n) => `https://${n.address}:2379`);
  if (endpoints.length === 0) throw fail('control-plane-join/etcd', 'error creating local etcd static pod manifest file: etcdserver: no existing etcd member found in the cluster');
  const self = { name: o.nodeName, peerUrl: `https://${o.advertiseAddress}:2380` };
  let members = await memberList(endpoints).catch((err: Error) => {
    throw fail('control-plane-join/etcd', `error creating local etcd static pod manifest file: ${err.message}`);
  });
  if (!members.some((m) => m.peerURLs?.includes(self.peerUrl))) {
    const r = await etcdctl(endpoints, ['member', 'add', o.nodeName, `--peer-urls=${self.peerUrl}`]);
    if (r.code !== 0) throw fail('control-plane-join/etcd', `error creating local etcd static pod manifest file: etcdserver: ${r.stderr.trim()}`);
    out(`[etcd] Announced new etcd member joining to the existing etcd cluster\n`);
    members = await memberList(endpoints);
  }
  return initialClusterFrom(members, self);
}

export async function join(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const started = Date.now();
  const o = joinOptions(p, { nodeName: ctx.identity.name, address: ctx.identity.address, kubernetesVersion: ctx.config.kubernetesVersion });
  const cpFiles = o.controlPlane ? ['kube-apiserver', 'etcd'].map((m) => `${MANIFESTS_DIR}/${m}.yaml`) : [];
  out(await runPreflight({
    address: o.advertiseAddress,
    ports: o.controlPlane ? [10250, o.bindPort, 10259, 10257, 2379, 2380] : [10250],
    files: [`${K8S_DIR}/kubelet.conf`, `${K8S_DIR}/pki/ca.crt`, ...cpFiles],
    dirsMustBeEmpty: o.controlPlane ? ['/var/lib/etcd'] : [],
    ignore: o.ignorePreflight,
  }));
  const cluster = await discover(ctx, o);
  assertNameFree(ctx, o);
  out('[preflight] Reading configuration from the cluster...\n');
  out("[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n");
  mkdirSync(path.join(pki(), 'etcd'), { recursive: true });
  const endpointUrl = `https://${cluster.controlPlaneEndpoint}`;
  if (o.controlPlane) {
    if (!o.certificateKey) {
      throw fail('preflight', `\nOne or more conditions for hosting a new control plane instance is not satisfied.\n\n[failure loading certificate for CA: couldn't load the certificate file /etc/kubernetes/pki/ca.crt: open /etc/kubernetes/pki/ca.crt: no such file or directory]\n\nPlease ensure that:\n* The cluster has a stable controlPlaneEndpoint address.\n* The certificates that must be shared among control plane instances are provided.\n`);
    }
    out('[preflight] Running pre-flight checks before initializing the new control plane instance\n');
    out('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n');
    downloadCerts(ctx, o.certificateKey);
    out('[certs] Using certificateDir folder "/etc/kubernetes/pki"\n');
    createControlPlaneLeaves(pki(), { nodeName: o.nodeName, address: o.advertiseAddress, endpointHost: cluster.controlPlaneEndpoint.replace(/:\d+$/, ''), serviceIp: serviceIp(cluster.serviceSubnet), extraSans: cluster.certSans });
    out('[certs] Valid certificates and keys now exist in "/etc/kubernetes/pki"\n');
    out(`[kubeconfig] Generating kubeconfig files\n[kubeconfig] Using kubeconfig folder "${K8S_DIR}"\n`);
    writeControlPlaneKubeconfigs({ nodeName: o.nodeName, clusterName: cluster.clusterName, endpointUrl, localUrl: `https://${o.advertiseAddress}:${o.bindPort}`, kubernetesVersion: cluster.kubernetesVersion });
    out(`[control-plane] Using manifest folder "${MANIFESTS_DIR}"\n`);
    writeControlPlaneManifests({ address: o.advertiseAddress, bindPort: o.bindPort, kubernetesVersion: cluster.kubernetesVersion, serviceSubnet: cluster.serviceSubnet, podSubnet: cluster.podSubnet, clusterName: cluster.clusterName });
    out('[check-etcd] Checking that the etcd cluster is healthy\n');
  } else {
    writeFileSync(path.join(pki(), 'ca.crt'), cluster.caCert);
    const csrSigner = path.join(pki(), 'ca.key');
    writeFileSync(csrSigner, cluster.caKey, { mode: 0o600 });
    try {
      writeKubeletKubeconfig(o.nodeName, cluster.clusterName, endpointUrl);
    } finally {
      rmSync(csrSigner, { force: true });
    }
  }
  out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n');
  out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"\n');
  writeKubeletFiles(o.criSocket, o.advertiseAddress);
  out('[kubelet-start] Starting the kubelet\n');
  if (o.controlPlane) {
    const initialCluster = await addEtcdMember(ctx, o);
    mkdirSync(hostPath('/var/lib/etcd'), { recursive: true, mode: 0o700 });
    writeManifest('etcd', renderEtcdManifest({ nodeName: o.nodeName, address: o.advertiseAddress, initialCluster, existing: true }));
  }
  setEnabled('kubelet', true);
  startUnit('kubelet');
  out('[kubelet-check] Waiting for a healthy kubelet. This can take up to 4m0s\n');
  out('[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap\n');
  if (o.controlPlane) {
    out(`[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s\n`);
    const ready = await waitHealthy(o.advertiseAddress, o.bindPort, '/readyz', readPem(pki(), 'ca.crt'), Math.max(30_000, scaled(ctx.config, 240_000)));
    if (ready === undefined) throw fail('control-plane-join/etcd', 'error creating local etcd static pod manifest file: timeout waiting for etcd cluster to be available');
  }
  await updateStore(ctx.identity.labDir, (s) => registerNode(s, ctx, o.nodeName, o.advertiseAddress, o.controlPlane));
  const model = o.controlPlane ? LATENCY.controlPlaneJoin : LATENCY.workerJoin;
  const remaining = latencyMs(ctx.config, model, slowFactor(ctx.identity.labDir, ctx.identity.name)) - (Date.now() - started);
  if (remaining > 0) await sleep(remaining);
  if (o.controlPlane) {
    out(`[mark-control-plane] Marking the node ${o.nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]\n`);
    out(`[mark-control-plane] Marking the node ${o.nodeName} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]\n`);
    out([
      '',
      'This node has joined the cluster and a new control plane instance was created:',
      '',
      '* Certificate signing request was sent to apiserver and approval was received.',
      '* The Kubelet was informed of the new secure connection details.',
      '* Control plane label and taint were applied to the new node.',
      '* The Kubernetes control plane instances scaled up.',
      '* A new etcd member was added to the local/stacked etcd cluster.',
      '',
      'To start administering your cluster from this node, you need to run the following as a regular user:',
      '',
      '\tmkdir -p $HOME/.kube',
      '\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config',
      '\tsudo chown $(id -u):$(id -g) $HOME/.kube/config',
      '',
      "Run 'kubectl get nodes' to see this node join the cluster.",
      '',
      '',
    ].join('\n'));
  } else {
    out([
      '',
      'This node has joined the cluster:',
      '* Certificate signing request was sent to apiserver and a response was received.',
      '* The Kubelet was informed of the new secure connection details.',
      '',
      "Run 'kubectl get nodes' on the control-plane to see this node join the cluster.",
      '',
      '',
    ].join('\n'));
  }
  return 0;
}
