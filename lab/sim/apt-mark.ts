/** `apt-mark hold|unhold|showhold PKG...`. */
import { SimExit } from './errors';
import { runMain } from './main';
import { readNodeState, updateNodeState } from './node-state';
import { out } from './output';

runMain('apt-mark', async (args) => {
  const [verb, ...pkgs] = args.filter((a) => !a.startsWith('-'));
  if (verb === 'showhold') {
    const held = Object.entries(readNodeState().packages).filter(([, p]) => p.held).map(([n]) => n).sort();
    if (held.length) out(`${held.join('\n')}\n`);
    return 0;
  }
  if (verb !== 'hold' && verb !== 'unhold') throw new SimExit(`E: Invalid operation ${verb ?? ''}`, 100);
  const state = readNodeState();
  for (const p of pkgs) if (!state.packages[p]) throw new SimExit(`E: Unable to locate package ${p}`, 100);
  updateNodeState((s) => {
    for (const p of pkgs) {
      const pkg = s.packages[p];
      if (!pkg) continue;
      out(verb === 'hold' ? (pkg.held ? `${p} was already set on hold.\n` : `${p} set on hold.\n`) : (pkg.held ? `Canceled hold on ${p}.\n` : `${p} was already not on hold.\n`));
      pkg.held = verb === 'hold';
    }
  });
  return 0;
});
