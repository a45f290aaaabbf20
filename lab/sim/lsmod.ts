/** `lsmod`. */
import { runMain } from './main';
import { readNodeState } from './node-state';
import { out } from './output';

runMain('lsmod', async () => {
  const rows = readNodeState().modules.map((m) => `${m.padEnd(28)}${String(16384 + m.length * 1024).padStart(8)}  0`);
  out(`Module                  Size  Used by\n${rows.join('\n')}${rows.length ? '\n' : ''}`);
  return 0;
});
