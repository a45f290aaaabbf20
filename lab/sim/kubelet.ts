/**
 * `kubelet`: `--version`, or (as systemd would run it) the node agent daemon (kubelet/agent.ts).
 */
import { kubeletLoop } from './kubelet/agent';
import { runMain } from './main';
import { packageGitVersion, readNodeState } from './node-state';
import { out } from './output';

async function daemon(): Promise<never> {
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
  });
  await kubeletLoop(() => stopping);
  process.exit(0);
}

runMain('kubelet', async (args) => {
  if (args.includes('--version')) {
    out(`Kubernetes ${packageGitVersion(readNodeState(), 'kubelet')}\n`);
    return 0;
  }
  await daemon();
  return 0;
});
