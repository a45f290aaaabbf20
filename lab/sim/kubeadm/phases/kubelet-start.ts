/**
 * kubeadm join's kubelet-start: the bootstrap kubeconfig, the CA and the kubelet's files, the
 * kubelet started, then waiting for the kubelet's own TLS bootstrap and registration (which go
 * on without kubeadm). The bootstrap kubeconfig is removed when the phase ends, as kubeadm's
 * deferred cleanup does, so a kubeadm killed meanwhile leaves it behind.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SimContext } from '../../context';
import { hostPath } from '../../context';
import { phaseError } from '../../errors';
import { BOOTSTRAP_KUBELET_CONF, KUBELET_CONF } from '../../kubelet/registration';
import { out } from '../../output';
import { isActive, setEnabled, startUnit } from '../../services';
import { readStore } from '../../store';
import { nodeStaleAfterMs, scaled, sleep } from '../../time';
import type { Discovered } from '../discovery';
import { pki, writeBootstrapKubeletKubeconfig, writeKubeletFiles } from '../files';
import type { JoinOptions } from '../options';

async function waitFor(what: () => boolean, timeoutMs: number): Promise<number | undefined> {
  const start = Date.now();
  while (!what()) {
    if (Date.now() - start > timeoutMs) return undefined;
    await sleep(100);
  }
  return Date.now() - start;
}

function assertNameFree(ctx: SimContext, o: JoinOptions): void {
  const node = readStore(ctx.identity.labDir).nodes[o.nodeName];
  if (node && node.address !== o.advertiseAddress && node.heartbeatAt !== undefined && Date.now() - node.heartbeatAt < nodeStaleAfterMs(ctx.config)) {
    throw phaseError('kubelet-start', `a Node with name "${o.nodeName}" and status "Ready" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node`);
  }
}

export async function joinKubeletStart(ctx: SimContext, o: JoinOptions, d: Discovered): Promise<void> {
  writeBootstrapKubeletKubeconfig(o.token, d.info.server, d.info.caCert, d.config.clusterName);
  assertNameFree(ctx, o);
  if (!existsSync(path.join(pki(), 'ca.crt'))) {
    mkdirSync(pki(), { recursive: true });
    writeFileSync(path.join(pki(), 'ca.crt'), d.info.caCert);
  }
  out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n');
  out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"\n');
  writeKubeletFiles(o.criSocket, o.advertiseAddress, o.nodeName, ctx.identity.name);
  out('[kubelet-start] Starting the kubelet\n');
  setEnabled('kubelet', true);
  startUnit('kubelet');
  out('[kubelet-check] Waiting for a healthy kubelet. This can take up to 4m0s\n');
  const healthy = await waitFor(() => isActive('kubelet'), 30_000);
  if (healthy === undefined) throw phaseError('kubelet-start', 'The HTTP call equal to \'curl -sSL http://127.0.0.1:10248/healthz\' returned error: Get "http://127.0.0.1:10248/healthz": dial tcp 127.0.0.1:10248: connect: connection refused.');
  out(`[kubelet-check] The kubelet is healthy after ${healthy < 1_000 ? `${Math.max(healthy, 1)}ms` : `${healthy / 1_000}s`}\n`);
  out('[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap\n');
  const registered = () => existsSync(hostPath(KUBELET_CONF)) && readStore(ctx.identity.labDir).nodes[o.nodeName]?.address === o.advertiseAddress;
  if ((await waitFor(registered, Math.max(30_000, scaled(ctx.config, 300_000)))) === undefined) {
    throw phaseError('kubelet-start', 'error waiting for the kubelet to perform the TLS Bootstrap: timed out waiting for the condition');
  }
  rmSync(hostPath(BOOTSTRAP_KUBELET_CONF), { force: true });
}
