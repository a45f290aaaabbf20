/**
 * kubeadm join's control-plane-join: etcd (announce this node as a learner unless it already is
 * a member, its static Pod manifest, promotion, wait for it), update-status (a no-op) and
 * mark-control-plane. Run again on a node that got part of the way, it finishes the rest.
 */
import { mkdirSync } from 'node:fs';
import type { SimContext } from '../../context';
import { hostPath } from '../../context';
import { phaseError } from '../../errors';
import { etcdctl, initialClusterFrom, memberIdHex, memberList } from '../../etcdctl';
import { out } from '../../output';
import { readPem } from '../../pki';
import { readStore } from '../../store';
import { scaled, sleep } from '../../time';
import { waitHealthy } from '../api';
import { etcdImageFor } from '../etcd-version';
import { pki, renderEtcdManifest, writeManifest } from '../files';
import { etcdEndpoints } from '../node';
import type { JoinOptions } from '../options';
import { markControlPlane } from './mark-control-plane';

export type ControlPlaneJoinPhase = 'etcd' | 'update-status' | 'mark-control-plane';

const etcdFailure = (msg: string) => phaseError('control-plane-join/etcd', `error creating local etcd static pod manifest file: ${msg}`);

/** kubeadm's constants.EtcdAPICallRetryInterval and the default `timeouts.etcdAPICall` (EtcdAPICallTimeout). */
const ETCD_API_CALL_RETRY_MS = 500;
const ETCD_API_CALL_TIMEOUT_MS = 120_000;

/**
 * Retries as kubeadm's etcd client does (wait.PollUntilContextTimeout every 500 ms): etcd refuses
 * membership changes while a peer has been connected for less than 5 s ("unhealthy cluster"),
 * a second learner while one is not yet promoted (--max-learners 1), and a learner's promotion
 * until it has caught up with the leader.
 */
async function etcdRetry(
  endpoints: string[],
  args: string[],
  timeoutMs: number,
  done: () => Promise<boolean> = async () => false,
): Promise<{ code: number; stderr: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done().catch(() => false)) return { code: 0, stderr: '' };
    const r = await etcdctl(endpoints, args);
    if (r.code === 0 || Date.now() > deadline) return r;
    await sleep(ETCD_API_CALL_RETRY_MS);
  }
}

/**
 * kubeadm 1.30's EtcdLearnerMode (on by default): this node joins as a learner unless the
 * members already know its peer URL (a join that died after announcing it), so an announced
 * member that never starts does not cost the cluster its quorum. Like kubeadm's addMember, each
 * attempt first lists the members, and joins waiting for their turn keep trying for the whole
 * etcdAPICall timeout (2 min). Returns `--initial-cluster`.
 */
async function announceMember(o: JoinOptions, endpoints: string[], self: { name: string; peerUrl: string }): Promise<string> {
  let members = await memberList(endpoints).catch((err: Error) => {
    throw etcdFailure(err.message);
  });
  if (!members.some((m) => m.peerURLs?.includes(self.peerUrl))) {
    const known = async () => (await memberList(endpoints)).some((m) => m.peerURLs?.includes(self.peerUrl));
    const r = await etcdRetry(endpoints, ['member', 'add', o.nodeName, `--peer-urls=${self.peerUrl}`, '--learner'], ETCD_API_CALL_TIMEOUT_MS, known);
    if (r.code !== 0) throw etcdFailure(`etcdserver: ${r.stderr.trim()}`);
    members = await memberList(endpoints);
  }
  return initialClusterFrom(members, self);
}

/** Promotes this learner to a voting member; nothing to do when it already is one. */
async function promoteLearner(endpoints: string[], peerUrl: string, timeoutMs: number): Promise<void> {
  const me = (await memberList(endpoints)).find((m) => m.peerURLs?.includes(peerUrl));
  if (!me?.isLearner) return;
  const r = await etcdRetry(endpoints, ['member', 'promote', memberIdHex(me.ID)], timeoutMs);
  if (r.code !== 0) throw etcdFailure(`etcdserver: ${r.stderr.trim()}`);
}

async function joinEtcd(ctx: SimContext, o: JoinOptions): Promise<void> {
  mkdirSync(hostPath('/var/lib/etcd'), { recursive: true, mode: 0o700 });
  const store = readStore(ctx.identity.labDir);
  const endpoints = etcdEndpoints(store, o.advertiseAddress);
  if (endpoints.length === 0) throw etcdFailure('etcdserver: no existing etcd member found in the cluster');
  const self = { name: o.nodeName, peerUrl: `https://${o.advertiseAddress}:2380` };
  const initialCluster = await announceMember(o, endpoints, self);
  out('[etcd] Announced new etcd member joining to the existing etcd cluster\n');
  out('[etcd] Creating static Pod manifest for "etcd"\n');
  // The cluster's version, as kubeadm reads it from the kubeadm-config ConfigMap (an upgrade moves it).
  const image = etcdImageFor(store.cluster?.kubernetesVersion ?? ctx.config.kubernetesVersion);
  writeManifest('etcd', renderEtcdManifest({ nodeName: o.nodeName, address: o.advertiseAddress, initialCluster, existing: true, image }));
  const timeoutMs = Math.max(30_000, scaled(ctx.config, 240_000));
  await promoteLearner(endpoints, self.peerUrl, timeoutMs);
  out('[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s\n');
  const ready = await waitHealthy(o.advertiseAddress, o.bindPort, '/readyz', readPem(pki(), 'ca.crt'), timeoutMs);
  if (ready === undefined) throw etcdFailure('timeout waiting for etcd cluster to be available');
}

export async function controlPlaneJoin(ctx: SimContext, o: JoinOptions, phases: ControlPlaneJoinPhase[]): Promise<void> {
  if (phases.includes('etcd')) {
    if (readStore(ctx.identity.labDir).cluster?.externalEtcd) out('[control-plane-join] Using external etcd - no local stacked instance added\n');
    else await joinEtcd(ctx, o);
  }
  if (phases.includes('update-status')) out("The 'update-status' phase is deprecated and will be removed in a future release. Currently it performs no operation\n");
  if (phases.includes('mark-control-plane')) await markControlPlane(ctx, o.nodeName, 'control-plane-join/mark-control-plane');
}
