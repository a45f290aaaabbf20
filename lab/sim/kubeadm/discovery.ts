/**
 * kubeadm join's discovery: the API server reachable, the cluster-info ConfigMap signed for the
 * token (retried until the discovery timeout, as a token or cluster-info may appear meanwhile),
 * the CA pinned, then the kubeadm-config ConfigMap.
 */
import type { SimContext } from '../context';
import { phaseError, SimExit } from '../errors';
import { caCertHash } from '../pki';
import { readStore } from '../store';
import type { ClusterConfig, ClusterInfoMap, DeepReadonly } from '../store';
import { scaled, sleep } from '../time';
import { splitHostPort, tcpReachable } from './api';
import type { JoinOptions } from './options';
import { liveToken, TOKEN_RE } from './tokens';

export interface Discovered {
  config: DeepReadonly<ClusterConfig>;
  info: DeepReadonly<ClusterInfoMap>;
}

const identity = (msg: string) => phaseError('preflight', `couldn't validate the identity of the API Server: ${msg}`);

export async function discover(ctx: SimContext, o: JoinOptions): Promise<Discovered> {
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
      throw identity(`Get "https://${host}:${port}/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s": dial tcp ${host}:${port}: ${err}`);
    }
    await sleep(250);
  }
  let store = readStore(ctx.identity.labDir);
  while (!store.clusterInfo || !liveToken(store.tokens, o.token, 'signing')) {
    if (Date.now() > deadline) {
      throw identity(store.clusterInfo
        ? `could not find a JWS signature in the cluster-info ConfigMap for token ID "${idMatch[1]}"`
        : 'failed to request the cluster-info ConfigMap: configmaps "cluster-info" not found');
    }
    await sleep(250);
    store = readStore(ctx.identity.labDir);
  }
  const actual = caCertHash(store.clusterInfo.caCert);
  if (!o.unsafeSkipCaVerification && !o.caCertHashes.some((h) => h.toLowerCase() === actual)) {
    throw identity(`cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${actual}" are pinned`);
  }
  if (!store.cluster) throw phaseError('preflight', 'unable to fetch the kubeadm-config ConfigMap: failed to get config map: configmaps "kubeadm-config" not found');
  return { config: store.cluster, info: store.clusterInfo };
}
