/**
 * The lab's external etcd cluster, set up as kubeadm's "HA etcd cluster with kubeadm" guide does it
 * and before any control plane exists (the prerequisite the operator provides): on each `etcd`
 * host the etcd CA's certificates under /etc/kubernetes/pki/etcd, a static Pod manifest for the
 * REAL etcd, and the kubelet (enabled, so a restarted host runs its member again) that runs it;
 * client certificate auth on every port. Then, as the HA guide's "external etcd nodes" section
 * has the user do by hand, etcd/ca.crt and apiserver-etcd-client.crt/.key copied from an etcd
 * host to the first control plane. kubeha is not involved in any of it.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OperationError } from '../../src/client/errors';
import type { LabConfig, LabHost } from '../layout';
import { labPaths } from '../layout';
import { etcdImageFor } from '../sim/kubeadm/etcd-version';
import { renderEtcdManifest } from '../sim/kubeadm/files';
import { createCa, createLeaf } from '../sim/pki';
import { runSsh } from './run';

/** Where the files kubeadm's ClusterConfiguration etcd.external names live on a control plane (the seed's paths). */
export const EXTERNAL_ETCD_FILES = {
  caFile: '/etc/kubernetes/pki/etcd/ca.crt',
  certFile: '/etc/kubernetes/pki/apiserver-etcd-client.crt',
  keyFile: '/etc/kubernetes/pki/apiserver-etcd-client.key',
} as const;

export const etcdHosts = (config: Pick<LabConfig, 'hosts'>): LabHost[] => config.hosts.filter((h) => h.role === 'etcd');

export const etcdClientUrl = (host: LabHost): string => `https://${host.address}:2379`;

/** An etcd host's /etc/kubernetes/pki as the lab machine sees it. */
const pkiOf = (labDir: string, host: string): string => path.join(labPaths(labDir).hostPrivate(host, '/etc/kubernetes'), 'pki');

/**
 * The etcd CA made on the first etcd host (its key stays there only, as the guide removes it from the
 * copies), every member's server and peer certificates and a healthcheck client, and on the first
 * host the apiserver-etcd-client certificate the control planes will use.
 */
async function createEtcdPki(labDir: string, members: LabHost[]): Promise<void> {
  const [first] = members;
  if (!first) return;
  const firstPki = pkiOf(labDir, first.name);
  await createCa(firstPki, 'etcd/ca', 'etcd-ca');
  await createLeaf(firstPki, { name: 'apiserver-etcd-client', ca: 'etcd/ca', cn: 'kube-apiserver-etcd-client', usage: 'client' });
  for (const m of members) {
    const pki = pkiOf(labDir, m.name);
    mkdirSync(path.join(pki, 'etcd'), { recursive: true });
    if (m !== first) for (const f of ['ca.crt', 'ca.key']) copyFileSync(path.join(firstPki, 'etcd', f), path.join(pki, 'etcd', f));
    const names = { dnsNames: [m.name, 'localhost'], ips: [m.address, '127.0.0.1'] };
    await createLeaf(pki, { name: 'etcd/server', ca: 'etcd/ca', cn: m.name, usage: 'server+client', ...names });
    await createLeaf(pki, { name: 'etcd/peer', ca: 'etcd/ca', cn: m.name, usage: 'server+client', ...names });
    await createLeaf(pki, { name: 'etcd/healthcheck-client', ca: 'etcd/ca', cn: 'kube-etcd-healthcheck-client', usage: 'client' });
    if (m !== first) rmSync(path.join(pki, 'etcd', 'ca.key'), { force: true });
  }
}

function writeManifests(config: LabConfig, members: LabHost[]): void {
  const initialCluster = members.map((m) => `${m.name}=https://${m.address}:2380`).join(',');
  for (const m of members) {
    const dir = labPaths(config.dir).hostPrivate(m.name, '/etc/kubernetes/manifests');
    mkdirSync(dir, { recursive: true });
    const manifest = renderEtcdManifest({ nodeName: m.name, address: m.address, initialCluster, existing: false, image: etcdImageFor(config.kubernetesVersion) });
    writeFileSync(path.join(dir, 'etcd.yaml'), manifest, { mode: 0o600 });
  }
}

async function ssh(config: LabConfig, host: LabHost, command: string): Promise<string> {
  const r = await runSsh(config.dir, host, command, { timeoutMs: 30_000 });
  if (r.code !== 0) throw new OperationError(`${host.name}: \`${command}\` exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

const ETCDCTL_CLIENT = '--cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key';

/** `etcdctl endpoint health --cluster` on an etcd host, with its healthcheck client certificate. */
export function etcdHealthCommand(members: LabHost[]): string {
  return `ETCDCTL_API=3 etcdctl --endpoints ${members.map(etcdClientUrl).join(',')} ${ETCDCTL_CLIENT} --dial-timeout=2s endpoint health --cluster`;
}

/** `etcdctl member list -w json` on an etcd host. */
export function etcdMemberListCommand(members: LabHost[]): string {
  return `ETCDCTL_API=3 etcdctl --endpoints ${members.map(etcdClientUrl).join(',')} ${ETCDCTL_CLIENT} --dial-timeout=2s member list -w json`;
}

async function waitHealthy(config: LabConfig, members: LabHost[]): Promise<void> {
  const first = members[0] as LabHost;
  let last = '';
  const healthy = await waitForAsync(async () => {
    const r = await runSsh(config.dir, first, etcdHealthCommand(members), { timeoutMs: 20_000 });
    // etcdctl prints the endpoints' health on stderr.
    last = `${r.stdout}${r.stderr}`.trim();
    return r.code === 0 && (last.match(/ is healthy/g) ?? []).length === members.length;
  }, 60_000);
  if (!healthy) throw new OperationError(`the lab's external etcd did not become healthy within 60 s: ${last}`, `See /var/log/kubeha-lab/pod-etcd.log on ${members.map((m) => m.name).join(', ')}.`);
}

async function waitForAsync(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The user's copy (scp in the guide) of the etcd CA and the API server's client pair to the first control plane. */
export function placeControlPlaneFiles(config: LabConfig): void {
  const [first] = etcdHosts(config);
  const cp = config.hosts.find((h) => h.role === 'control-plane');
  if (!first || !cp) return;
  const from = pkiOf(config.dir, first.name);
  const k8s = labPaths(config.dir).hostPrivate(cp.name, '/etc/kubernetes');
  const copies: Array<[string, string]> = [
    ['etcd/ca.crt', EXTERNAL_ETCD_FILES.caFile],
    ['apiserver-etcd-client.crt', EXTERNAL_ETCD_FILES.certFile],
    ['apiserver-etcd-client.key', EXTERNAL_ETCD_FILES.keyFile],
  ];
  for (const [src, dest] of copies) {
    const target = path.join(k8s, path.posix.relative('/etc/kubernetes', dest));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(from, src), target);
  }
}

/** Sets up and starts the external etcd members, waits until every one is healthy, then places the control plane's files. */
export async function startExternalEtcd(config: LabConfig): Promise<void> {
  const members = etcdHosts(config);
  if (members.length === 0) return;
  if (!existsSync(path.join(pkiOf(config.dir, members[0]!.name), 'etcd', 'ca.crt'))) await createEtcdPki(config.dir, members);
  writeManifests(config, members);
  await Promise.all(members.map((m) => ssh(config, m, 'systemctl enable --now kubelet')));
  await waitHealthy(config, members);
  placeControlPlaneFiles(config);
}
