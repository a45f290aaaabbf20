/** `lsmod`. */
import { runMain } from './main';
import { readNodeState } from './node-state';

runMain('lsmod', async () => {
  const rows = readNodeState().modules.map((m) => `${m.padEnd(28)}${String(16384 + m.length * 1024).padStart(8)}  0`);
  process.stdout.write(`Module                  Size  Used by\n${rows.join('\n')}${rows.length ? '\n' : ''}`);
  return 0;
});
