/** `swapoff -a`. */
import { SimExit } from './errors';
import { runMain } from './main';
import { updateNodeState } from './node-state';

runMain('swapoff', async (args) => {
  if (!args.includes('-a') && !args.includes('--all') && args.length === 0) throw new SimExit('swapoff: bad usage\nTry \'swapoff --help\' for more information.', 1);
  updateNodeState((s) => {
    s.swap = false;
  });
  return 0;
});
