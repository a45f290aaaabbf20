/** `swapon --show [--noheadings]`, `swapon -a`. */
import { runMain } from './main';
import { SWAP_FILE } from './kernel-view';
import { readNodeState, updateNodeState } from './node-state';
import { out } from './output';

runMain('swapon', async (args) => {
  if (args.includes('-a') || args.includes('--all')) {
    updateNodeState((s) => {
      s.swap = true;
    });
    return 0;
  }
  if (!readNodeState().swap) return 0;
  if (!args.includes('--noheadings')) out('NAME      TYPE SIZE USED PRIO\n');
  out(`${SWAP_FILE.name} file   2G   0B   ${SWAP_FILE.priority}\n`);
  return 0;
});
