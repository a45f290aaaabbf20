/** `apt-get update`, `apt-get install -y PKG[=VERSION]...`: package versions per host (for upgrades). */
import { RELEASES } from '../../src/spec/version';
import { SimExit } from './errors';
import { runMain } from './main';
import { readNodeState, updateNodeState } from './node-state';
import { out } from './output';

/**
 * The lab's package repository carries patches .0–.20 of every minor in kubeha's release table
 * (pkgs.k8s.io's `-1.1` revision), oldest first; a real repository has what was released.
 */
const SIMULATED_PATCHES = 20;
const kubernetesDebs = RELEASES.flatMap((r) => Array.from({ length: SIMULATED_PATCHES + 1 }, (_, p) => `1.${r.minor}.${p}-1.1`));

const AVAILABLE: Record<string, string[]> = {
  kubeadm: kubernetesDebs,
  kubelet: kubernetesDebs,
  kubectl: kubernetesDebs,
  containerd: ['1.6.20~ds1-1+b1'],
  haproxy: ['2.6.12-1+deb12u1'],
  keepalived: ['1:2.2.7-1+b2'],
  'apt-transport-https': ['2.6.1'],
  'ca-certificates': ['20230311'],
  curl: ['7.88.1-10+deb12u7'],
  gpg: ['2.2.40-1.1'],
};

runMain('apt-get', async (args) => {
  const verb = args.find((a) => !a.startsWith('-'));
  if (verb === 'update') {
    out('Hit:1 http://deb.debian.org/debian bookworm InRelease\nHit:2 https://pkgs.k8s.io/core:/stable:/v1.30/deb  InRelease\nReading package lists... Done\n');
    return 0;
  }
  if (verb !== 'install') throw new SimExit(`E: Invalid operation ${verb ?? ''}`, 100);
  const specs = args.slice(args.indexOf('install') + 1).filter((a) => !a.startsWith('-'));
  const state = readNodeState();
  const plan: Array<[string, string]> = [];
  for (const spec of specs) {
    const [name, version] = spec.split('=') as [string, string | undefined];
    const versions = AVAILABLE[name];
    if (!versions) throw new SimExit(`E: Unable to locate package ${name}`, 100);
    const v = version ?? versions[versions.length - 1] ?? '';
    if (!versions.includes(v)) throw new SimExit(`E: Version '${v}' for '${name}' was not found`, 100);
    const cur = state.packages[name];
    if (cur?.held && cur.version !== v) {
      throw new SimExit(`E: Held packages were changed and -y was used without --allow-change-held-packages.`, 100);
    }
    plan.push([name, v]);
  }
  updateNodeState((s) => {
    for (const [name, v] of plan) s.packages[name] = { version: v, held: s.packages[name]?.held ?? false };
  });
  out(`Reading package lists... Done\nBuilding dependency tree... Done\n${plan.map(([n, v]) => `Setting up ${n} (${v}) ...`).join('\n')}\n`);
  return 0;
});
