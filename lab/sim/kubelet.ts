/**
 * `kubelet`: `--version`, or (as systemd would run it) the node agent daemon: static Pods from
 * /etc/kubernetes/manifests and the Node's heartbeat in the lab store.
 */
import { existsSync } from 'node:fs';
import { hostPath, loadContext } from './context';
import { syncStaticPods } from './kubelet/static-pods';
import { runMain } from './main';
import { packageGitVersion, readNodeState } from './node-state';
import { updateStore } from './store';
import { heartbeatIntervalMs, sleep } from './time';
import { out } from './output';

const log = (msg: string) => out(`${new Date().toISOString()} kubelet: ${msg}\n`);

async function heartbeat(): Promise<void> {
  if (!existsSync(hostPath('/etc/kubernetes/kubelet.conf'))) return;
  const ctx = loadContext();
  const version = packageGitVersion(readNodeState(), 'kubelet');
  await updateStore(ctx.identity.labDir, (s) => {
    for (const n of Object.values(s.nodes)) {
      if (n.address !== ctx.identity.address) continue;
      n.heartbeatAt = Date.now();
      if (version) n.kubeletVersion = version;
    }
  });
}

async function daemon(): Promise<never> {
  log('starting (simulated kubelet)');
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
  });
  let lastBeat = 0;
  for (;;) {
    if (stopping) {
      log('stopping');
      process.exit(0);
    }
    try {
      for (const line of await syncStaticPods()) log(line);
      if (Date.now() - lastBeat >= heartbeatIntervalMs(loadContext().config)) {
        await heartbeat();
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
