/** The REAL etcdctl, with a control plane's etcd client certificates. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { hostPath } from './context';

export interface EtcdctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function etcdctl(endpoints: string[], args: string[], timeoutMs = 10_000): Promise<EtcdctlResult> {
  const pki = hostPath('/etc/kubernetes/pki');
  const full = [
    `--endpoints=${endpoints.join(',')}`,
    `--cacert=${path.join(pki, 'etcd/ca.crt')}`,
    `--cert=${path.join(pki, 'etcd/healthcheck-client.crt')}`,
    `--key=${path.join(pki, 'etcd/healthcheck-client.key')}`,
    '--dial-timeout=2s',
    '--command-timeout=5s',
    ...args,
  ];
  return new Promise((resolve) => {
    execFile('etcdctl', full, { env: { ...process.env, ETCDCTL_API: '3' }, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface EtcdMember {
  /** Decimal uint64 as a string. */
  ID: string;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}

export async function memberList(endpoints: string[]): Promise<EtcdMember[]> {
  const r = await etcdctl(endpoints, ['member', 'list', '-w', 'json']);
  if (r.code !== 0) throw new Error(`etcdctl member list: ${r.stderr.trim()}`);
  // Member IDs are uint64: keep them exact (JSON numbers lose precision above 2^53).
  const exact = r.stdout.replace(/"(ID|member_id|cluster_id)":(\d+)/g, '"$1":"$2"');
  return (JSON.parse(exact) as { members?: EtcdMember[] }).members ?? [];
}

/** `--initial-cluster` for a member about to start, from the current member list. */
export function initialClusterFrom(members: EtcdMember[], self: { name: string; peerUrl: string }): string {
  return members
    .map((m) => {
      const peer = m.peerURLs?.[0] ?? '';
      const name = peer === self.peerUrl ? self.name : m.name;
      return name ? `${name}=${peer}` : '';
    })
    .filter(Boolean)
    .join(',');
}

/** Hex member ID as etcdctl's table prints it. */
export function memberIdHex(id: string): string {
  return BigInt(id).toString(16);
}
