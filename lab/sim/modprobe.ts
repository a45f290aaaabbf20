/** `modprobe MOD`, `modprobe -r MOD`: kernel modules of the simulated host. */
import { SimExit } from './errors';
import { runMain } from './main';
import { updateNodeState } from './node-state';

const KNOWN = new Set(['overlay', 'br_netfilter', 'ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh', 'nf_conntrack', 'ip_tables', 'iptable_nat']);

runMain('modprobe', async (args) => {
  const remove = args.includes('-r');
  const mods = args.filter((a) => !a.startsWith('-'));
  for (const m of mods) {
    if (!KNOWN.has(m)) throw new SimExit(`modprobe: FATAL: Module ${m} not found in directory /lib/modules/6.1.0-kubeha-lab`, 1);
  }
  updateNodeState((s) => {
    for (const m of mods) {
      s.modules = s.modules.filter((x) => x !== m);
      if (!remove) s.modules.push(m);
    }
    if (remove && mods.includes('br_netfilter')) for (const k of Object.keys(s.sysctl)) if (k.startsWith('net.bridge.')) delete s.sysctl[k];
  });
  return 0;
});
