/**
 * The kubelet's node agent: static Pods from /etc/kubernetes/manifests, the TLS bootstrap and the
 * Node's registration (registration.ts), then the Node's heartbeat and its mirror Pods in the lab
 * store. Run by the kubelet daemon (../kubelet.ts) or hosted in the lab's simulator server (hosted.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostPath, loadContext } from '../context';
import { SessionGone } from '../invocation';
import { syncMirrorPods } from '../kubeadm/node';
import { packageGitVersion, readNodeState } from '../node-state';
import { out } from '../output';
import { updateStore } from '../store';
import { heartbeatIntervalMs, sleep } from '../time';
import { installCniConfig } from './cni-config';
import { kubeletIdentity, KUBELET_CONF, registerWithApiServer } from './registration';
import { readStaticPods, syncStaticPods } from './static-pods';

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

/** How often the agent syncs; the real kubelet's static Pod file check runs every 20 s, backed by inotify. */
const TICK_MS = 300;
const SETTLED_TICK_MS = 1_000;

/**
 * The node agent until `stopping()` (a hosted kubelet, kubelet/hosted.ts, ends instead at the
 * checkpoint of its next sleep once its placeholder process is gone).
 */
export async function kubeletLoop(stopping: () => boolean): Promise<void> {
  // The binary that started: a package upgrade shows only after `systemctl restart kubelet`.
  const version = packageGitVersion(readNodeState(), 'kubelet');
  log(`starting (simulated kubelet ${version})`);
  let registered = false;
  let settled = false;
  let lastBeat = 0;
  for (;;) {
    if (stopping()) {
      log('stopping');
      return;
    }
    try {
      const { did: changed, manifests } = await syncStaticPods();
      for (const line of changed) log(line);
      if (!registered && (registered = await registerWithApiServer(loadContext()))) {
        log(`registered node ${kubeletIdentity(loadContext()).name}`);
        lastBeat = 0;
      }
      if (registered && (changed.length > 0 || Date.now() - lastBeat >= heartbeatIntervalMs(loadContext().config))) {
        await heartbeat(version);
        lastBeat = Date.now();
      }
      // A registered node without static Pods has only its heartbeat to do: 505 loops of a
      // 5+500 lab at 300 ms were some 1,700 syncs a second in the simulator server.
      settled = registered && changed.length === 0 && manifests === 0;
    } catch (err) {
      if (err instanceof SessionGone) throw err;
      log(`sync failed: ${(err as Error).message}`);
      settled = false;
    }
    await sleep(settled ? SETTLED_TICK_MS : TICK_MS);
  }
}

