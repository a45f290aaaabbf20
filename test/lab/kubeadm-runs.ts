/**
 * For the lab tests that lose kubeadm's SSH session: the kubeadm configs kubeha writes (token
 * and certificate key in the file, not on the command line), an SSH session lost mid-run, and
 * the host's processes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LabHandle } from '../../lab';
import { sshArgs } from '../../lab/hosts/run';

export const PREPARE = 'swapoff -a && modprobe br_netfilter && sysctl -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 >/dev/null';
export const TOKEN = 'kbhtst.0123456789abcdef';
export const KEY = '0123456789abcdef'.repeat(4);

export function initConfig(lab: LabHandle, host: string): string {
  const { address } = lab.host(host).host;
  return `apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
bootstrapTokens:
- token: ${TOKEN}
  ttl: 24h0m0s
certificateKey: ${KEY}
localAPIEndpoint:
  advertiseAddress: ${address}
  bindPort: 6443
nodeRegistration:
  name: ${host}
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.30.2
controlPlaneEndpoint: ${lab.config.vip}:6443
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
`;
}

export function controlPlaneJoinConfig(lab: LabHandle, host: string, caHash: string): string {
  const { address } = lab.host(host).host;
  return `apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: ${lab.config.vip}:6443
    token: ${TOKEN}
    caCertHashes:
    - ${caHash}
nodeRegistration:
  name: ${host}
  criSocket: unix:///run/containerd/containerd.sock
controlPlane:
  certificateKey: ${KEY}
  localAPIEndpoint:
    advertiseAddress: ${address}
    bindPort: 6443
`;
}

/** A here-document that writes `content` to `file` on a host. */
export function writeFileCommand(file: string, content: string): string {
  return `mkdir -p "$(dirname ${file})" && cat > ${file} <<'KUBEHA_EOF'\n${content}KUBEHA_EOF`;
}

/**
 * Runs `command` with the real ssh client and kills that client (the session is lost, as when
 * a worker dies or the network drops) once its stdout contains `marker`. Resolves with the
 * output seen; rejects if the command ends or `timeoutMs` passes first.
 */
export function runUntilOutput(lab: LabHandle, host: string, command: string, marker: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgs(lab.dir, lab.host(host).host, command), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.includes(marker)) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && stdout.includes(marker)) resolve(stdout);
      else reject(new Error(`${host}: \`${command}\` ended (${code ?? signal}) before printing ${JSON.stringify(marker)}\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

/** Pids of the host's processes whose command line contains every one of `words`. */
export function hostProcesses(lab: LabHandle, host: string, words: string[]): number[] {
  return lab.host(host).pids().filter((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return words.every((w) => cmdline.includes(w));
    } catch {
      return false;
    }
  });
}

export async function eventually<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
