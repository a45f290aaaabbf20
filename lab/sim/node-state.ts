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

const renderNodeState = (state: NodeState): string => `${JSON.stringify(state, null, 2)}\n`;

function readNodeStateFile(): { state: NodeState; text?: string } {
  const file = hostPath(NODE_STATE_FILE);
  if (!existsSync(file)) return { state: initialNodeState('v1.30.2') };
  const text = readFileSync(file, 'utf8');
  return { state: JSON.parse(text) as NodeState, text };
}

export function readNodeState(): NodeState {
  return readNodeStateFile().state;
}

/** `previous`: the state the host's kernel view was written from, so only what changed is written again. */
export function writeNodeState(state: NodeState, previous?: NodeState): void {
  writeFileSync(hostPath(NODE_STATE_FILE), renderNodeState(state));
  writeKernelView(state, hostPath, previous);
}

/** Nothing is written when the change changes nothing (`swapoff -a` with swap already off). */
export function updateNodeState(change: (s: NodeState) => void): NodeState {
  const { state, text } = readNodeStateFile();
  change(state);
  if (text === undefined) writeNodeState(state);
  else if (renderNodeState(state) !== text) writeNodeState(state, JSON.parse(text) as NodeState);
  return state;
}

/** `1.30.3-1.1` -> `v1.30.3`. */
export function packageGitVersion(state: NodeState, pkg: 'kubeadm' | 'kubelet' | 'kubectl'): string {
  const v = state.packages[pkg]?.version;
  return v ? `v${v.replace(/-.*$/, '')}` : '';
}
