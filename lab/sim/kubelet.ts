/**
 * `kubelet`: `--version`, or (as systemd would run it) the node agent daemon: static Pods from
 * /etc/kubernetes/manifests, the TLS bootstrap and the Node's registration (kubelet/registration.ts),
 * then the Node's heartbeat and its mirror Pods in the lab store.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostPath, loadContext } from './context';
import { syncMirrorPods } from './kubeadm/node';
import { registerWithApiServer, kubeletIdentity, KUBELET_CONF } from './kubelet/registration';
import { installCniConfig } from './kubelet/cni-config';
import { readStaticPods, syncStaticPods } from './kubelet/static-pods';
import { runMain } from './main';
import { packageGitVersion, readNodeState } from './node-state';
import { out } from './output';
import { updateStore } from './store';
import { heartbeatIntervalMs, sleep } from './time';

const log = (msg: string) => out(`${new Date().toISOString()} kubelet: ${msg}\n`);

/**
 * Heartbeat and mirror Pods; a node running kube-controller-manager also offers its CA as the
 * cluster's CSR signer (the controller-manager signs kubelet certificates with it).
 */
async function heartbeat(version: string): Promise<void> {
  if (!existsSync(hostPath(KUBELET_CONF))) return;
  const ctx = loadContext();
  const me = kubeletIdentity(ctx);
  const staticPods = readStaticPods().map((p) => p.name);
  const caKey = hostPath('/etc/kubernetes/pki/ca.key');
  const signer = staticPods.includes('kube-controller-manager') && existsSync(caKey)
    ? { caCert: readFileSync(hostPath('/etc/kubernetes/pki/ca.crt'), 'utf8'), caKey: readFileSync(caKey, 'utf8') }
    : undefined;
  const cni = await updateStore(ctx.identity.labDir, (s): string | undefined => {
    const node = s.nodes[me.name];
    if (!node || node.address !== me.address) return undefined;
    node.heartbeatAt = Date.now();
    if (version) node.kubeletVersion = version;
    syncMirrorPods(s, me.name, staticPods);
    if (signer && !s.csrSigner) s.csrSigner = signer;
    return s.cni?.name;
  });
  // The CNI's DaemonSet Pod on this node installs its configuration.
  if (cni) installCniConfig(cni);
}

async function daemon(): Promise<never> {
  // The binary that started: a package upgrade shows only after `systemctl restart kubelet`.
  const version = packageGitVersion(readNodeState(), 'kubelet');
  log(`starting (simulated kubelet ${version})`);
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
  });
  let registered = false;
  let lastBeat = 0;
  for (;;) {
    if (stopping) {
      log('stopping');
      process.exit(0);
    }
    try {
      const changed = await syncStaticPods();
      for (const line of changed) log(line);
      if (!registered && (registered = await registerWithApiServer(loadContext()))) {
        log(`registered node ${kubeletIdentity(loadContext()).name}`);
        lastBeat = 0;
      }
      if (registered && (changed.length > 0 || Date.now() - lastBeat >= heartbeatIntervalMs(loadContext().config))) {
        await heartbeat(version);
        lastBeat = Date.now();
      }
    } catch (err) {
      log(`sync failed: ${(err as Error).message}`);
    }
    await sleep(300);
  }
}

runMain('kubelet', async (args) => {
  if (args.includes('--version')) {
    out(`Kubernetes ${packageGitVersion(readNodeState(), 'kubelet')}\n`);
    return 0;
  }
  await daemon();
  return 0;
});
