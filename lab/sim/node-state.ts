/**
 * What one simulated machine is, besides files: swap, kernel modules, sysctls, installed
 * packages and enabled units. Kept in the host's private /etc/kubeha-lab/node.json; its
 * /proc/swaps and /proc/sys/net are written from it (kernel-view.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostPath } from './context';
import { writeKernelView } from './kernel-view';

export interface InstalledPackage {
  version: string;
  held: boolean;
}

export interface NodeState {
  swap: boolean;
  modules: string[];
  sysctl: Record<string, string>;
  packages: Record<string, InstalledPackage>;
  enabledUnits: string[];
}

export const NODE_STATE_FILE = '/etc/kubeha-lab/node.json';

/** A freshly provisioned machine: swap on, forwarding off, Kubernetes packages preinstalled. */
export function initialNodeState(kubernetesVersion: string): NodeState {
  const deb = `${kubernetesVersion.replace(/^v/, '')}-1.1`;
  return {
    swap: true,
    modules: ['overlay'],
    sysctl: {
      'net.ipv4.ip_forward': '0',
      'net.bridge.bridge-nf-call-iptables': '0',
      'net.bridge.bridge-nf-call-ip6tables': '0',
      'vm.swappiness': '60',
    },
    packages: {
      kubeadm: { version: deb, held: false },
      kubelet: { version: deb, held: false },
      kubectl: { version: deb, held: false },
      containerd: { version: '1.6.20~ds1-1+b1', held: false },
    },
    enabledUnits: ['containerd'],
  };
}

export function readNodeState(): NodeState {
  const file = hostPath(NODE_STATE_FILE);
  if (!existsSync(file)) return initialNodeState('v1.30.2');
  return JSON.parse(readFileSync(file, 'utf8')) as NodeState;
}

export function writeNodeState(state: NodeState): void {
  writeFileSync(hostPath(NODE_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  writeKernelView(state, hostPath);
}

export function updateNodeState(change: (s: NodeState) => void): NodeState {
  const state = readNodeState();
  change(state);
  writeNodeState(state);
  return state;
}

/** `1.30.3-1.1` -> `v1.30.3`. */
export function packageGitVersion(state: NodeState, pkg: 'kubeadm' | 'kubelet' | 'kubectl'): string {
  const v = state.packages[pkg]?.version;
  return v ? `v${v.replace(/-.*$/, '')}` : '';
}
