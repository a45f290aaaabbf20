/**
 * The simulated kernel's files: `/proc/swaps` and `/proc/sys/net` as a host sees them, written
 * from its node state (node-state.ts) whenever that changes, so what reads the files (kubeha's
 * preflight, like kubeadm's FileContent checks) and what runs the commands (swapon, sysctl) agree.
 * Each host's namespace binds them over the machine's (lab/hosts/roots.ts). Only the sysctls the
 * lab simulates are there; `bridge/` exists while br_netfilter is loaded, as on a real kernel.
 */
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { NodeState } from './node-state';

export const PROC_SWAPS = '/proc/swaps';
export const PROC_SYS_NET = '/proc/sys/net';

/** The swap file a fresh lab host has, as `swapon --show` and /proc/swaps list it. */
export const SWAP_FILE = { name: '/swap.img', sizeKiB: 2_097_148, priority: -2 };

/** 6.1's somaxconn: Go's listeners (etcd) read it, and would otherwise fall back to their own. */
const SOMAXCONN = '4096';

/** As the kernel's swap_show formats it (mm/swapfile.c). */
export function renderProcSwaps(state: Pick<NodeState, 'swap'>): string {
  const header = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n';
  if (!state.swap) return header;
  const { name, sizeKiB, priority } = SWAP_FILE;
  return `${header}${name}${' '.repeat(Math.max(1, 40 - name.length))}file\t\t${sizeKiB}\t\t0\t\t${priority}\n`;
}

/** Path under /proc/sys/net -> content, for the net.* sysctls the host has. */
export function netSysctlFiles(state: Pick<NodeState, 'sysctl' | 'modules'>): Map<string, string> {
  const files = new Map<string, string>([['core/somaxconn', `${SOMAXCONN}\n`]]);
  files.set('ipv4/ip_forward', `${state.sysctl['net.ipv4.ip_forward'] ?? '0'}\n`);
  if (state.modules.includes('br_netfilter')) {
    for (const table of ['arptables', 'iptables', 'ip6tables']) {
      files.set(`bridge/bridge-nf-call-${table}`, `${state.sysctl[`net.bridge.bridge-nf-call-${table}`] ?? '0'}\n`);
    }
  }
  return files;
}

const PROC_SUPER_MAGIC = 0x9fa0;

function onProcfs(file: string): boolean {
  try {
    return statfsSync(file).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/** Each file of the view (by the path `resolve` gives it) with its content. */
function viewFiles(state: NodeState, resolve: (p: string) => string): Map<string, string> {
  const files = new Map([[resolve(PROC_SWAPS), renderProcSwaps(state)]]);
  const net = resolve(PROC_SYS_NET);
  for (const [file, content] of netSysctlFiles(state)) files.set(path.join(net, file), content);
  return files;
}

/**
 * Writes the view where `resolve` puts a host's paths. Never through to the machine's own /proc:
 * a sim command run outside any lab host (no bind over it) leaves the view alone. Given the state
 * the view was last written from, only the files that differ are written (a change is one sysctl
 * or module; the simulator server made eight file writes for each).
 */
export function writeKernelView(state: NodeState, resolve: (p: string) => string, previous?: NodeState): void {
  const swaps = resolve(PROC_SWAPS);
  const net = resolve(PROC_SYS_NET);
  const before = previous ? viewFiles(previous, resolve) : new Map<string, string>();
  const after = viewFiles(state, resolve);
  const changed = [...after].filter(([file, content]) => before.get(file) !== content);
  const bridge = path.join(net, 'bridge');
  const bridgeGone = ![...after.keys()].some((f) => f.startsWith(`${bridge}/`)) && (!previous || [...before.keys()].some((f) => f.startsWith(`${bridge}/`)));
  if (changed.length === 0 && !bridgeGone) return;
  if (onProcfs(swaps) || onProcfs(net)) return;
  if (bridgeGone) rmSync(bridge, { recursive: true, force: true });
  for (const [file, content] of changed) writeMakingDirectory(file, content);
}

function writeMakingDirectory(file: string, content: string): void {
  try {
    writeFileSync(file, content);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}
