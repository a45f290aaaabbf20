/** `sysctl -n KEY`, `sysctl KEY`, `sysctl -w K=V`, `sysctl --system`, `sysctl -p FILE`. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { userPath } from './context';
import { SimExit } from './errors';
import { runMain } from './main';
import { readNodeState, updateNodeState } from './node-state';
import type { NodeState } from './node-state';
import { out, errOut } from './output';

const BRIDGE = /^net\.bridge\./;

function set(state: NodeState, key: string, value: string): void {
  if (BRIDGE.test(key) && !state.modules.includes('br_netfilter')) {
    throw new SimExit(`sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory`, 255);
  }
  state.sysctl[key] = value;
}

function parseConf(text: string): Array<[string, string]> {
  return text.split('\n').map((l) => l.replace(/[#;].*$/, '').trim()).filter(Boolean)
    .map((l) => l.split('=').map((s) => s.trim()) as [string, string]).filter((kv) => kv.length === 2);
}

runMain('sysctl', async (args) => {
  const state = readNodeState();
  if (args.includes('--system') || args.includes('-p')) {
    const files = args.includes('-p')
      ? [args[args.indexOf('-p') + 1] ?? '/etc/sysctl.conf']
      : ['/etc/sysctl.d', '/usr/lib/sysctl.d'].flatMap((d) => (existsSync(userPath(d)) ? readdirSync(userPath(d)).filter((f) => f.endsWith('.conf')).sort().map((f) => path.join(d, f)) : []));
    for (const f of files) {
      if (!existsSync(userPath(f))) continue;
      if (args.includes('--system')) out(`* Applying ${f} ...\n`);
      for (const [k, v] of parseConf(readFileSync(userPath(f), 'utf8'))) {
        try {
          set(state, k, v);
          out(`${k} = ${v}\n`);
        } catch (err) {
          errOut(`${(err as Error).message}\n`);
        }
      }
    }
    updateNodeState((s) => Object.assign(s, { sysctl: state.sysctl }));
    return 0;
  }
  const n = args.includes('-n');
  const w = args.includes('-w');
  const rest = args.filter((a) => !a.startsWith('-'));
  if (rest.length === 0) throw new SimExit('sysctl: no variables specified', 1);
  for (const arg of rest) {
    if (arg.includes('=')) {
      const [k, v] = arg.split('=').map((s) => s.trim()) as [string, string];
      set(state, k, v);
      if (!n) out(`${k} = ${v}\n`);
    } else {
      if (w) throw new SimExit(`sysctl: "${arg}" must be of the form name=value`, 1);
      const v = BRIDGE.test(arg) && !state.modules.includes('br_netfilter') ? undefined : (state.sysctl[arg] ?? '0');
      if (v === undefined) throw new SimExit(`sysctl: cannot stat /proc/sys/${arg.replace(/\./g, '/')}: No such file or directory`, 255);
      out(n ? `${v}\n` : `${arg} = ${v}\n`);
    }
  }
  updateNodeState((s) => Object.assign(s, { sysctl: state.sysctl }));
  return 0;
});
