/** Run inside a host's fresh namespace after a restart: /run is empty again, enabled units start. */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { hostPath } from './context';
import { runMain } from './main';
import { readNodeState } from './node-state';
import { startUnit, unitOf } from './services';
import { out } from './output';

function clearDir(dir: string): void {
  const full = hostPath(dir);
  if (!existsSync(full)) return;
  for (const e of readdirSync(full)) rmSync(path.join(full, e), { recursive: true, force: true });
}

runMain('kubeha-lab-boot', async () => {
  clearDir('/run/kubeha-lab');
  clearDir('/run/containerd');
  const order = ['containerd', 'keepalived', 'haproxy', 'kubelet'];
  const enabled = readNodeState().enabledUnits.slice().sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const name of enabled) {
    const unit = unitOf(name);
    if (!unit) continue;
    try {
      startUnit(unit);
      out(`started ${unit}\n`);
    } catch (err) {
      out(`failed to start ${unit}: ${(err as Error).message}\n`);
    }
  }
  return 0;
});
