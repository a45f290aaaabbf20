import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../../src/activities';
import { parseRemovedMemberIds } from '../../../src/activities/forget-node';
import { parseResetHostState } from '../../../src/activities/reset';
import { silentLogger } from '../../../src/logging';
import { cleanAfterReset, resetHostState } from '../../../src/remote/reset';
import { SshConnectError } from '../../../src/ssh/errors';
import type { RunResult } from '../../../src/ssh/pool';
import { fail, FakeSsh, ok } from './fake-ssh';
import { CLUSTER, CP1, CP2, W1 } from './settings';

const CLEAN = 'kubelet.conf=no confs=0 manifests=0 etcd=no kubelet=inactive\n';
const LEFT = 'kubelet.conf=yes confs=4 manifests=4 etcd=yes kubelet=active\n';

function activities(ssh: FakeSsh) {
  return createActivities({ ssh, logger: silentLogger() });
}

/** `reset-host-state` answering each call with the next of `answers` (the last repeats). */
function states(...answers: Array<RunResult | Error>) {
  let i = 0;
  return () => answers[Math.min(i++, answers.length - 1)] as RunResult | Error;
}

async function failureOf(p: Promise<unknown>): Promise<{ type?: string; nonRetryable?: boolean; message: string }> {
  try {
    await p;
  } catch (err) {
    const f = err as ApplicationFailure;
    return { type: f.type ?? undefined, nonRetryable: f.nonRetryable ?? undefined, message: f.message };
  }
  throw new Error('expected a failure');
}

describe('what is left of a node, as reset-host-state prints it', () => {
  it('clean only when nothing of the cluster is left and the kubelet is not running', () => {
    expect(parseResetHostState(CLEAN)?.clean).toBe(true);
    expect(parseResetHostState('kubelet.conf=no confs=0 manifests=0 etcd=no kubelet=unknown')?.clean).toBe(true);
    for (const leftover of ['kubelet.conf=yes confs=0 manifests=0 etcd=no kubelet=inactive', 'kubelet.conf=no confs=1 manifests=0 etcd=no kubelet=inactive', 'kubelet.conf=no confs=0 manifests=2 etcd=no kubelet=inactive', 'kubelet.conf=no confs=0 manifests=0 etcd=yes kubelet=inactive', 'kubelet.conf=no confs=0 manifests=0 etcd=no kubelet=active']) {
      expect([leftover, parseResetHostState(leftover)?.clean]).toEqual([leftover, false]);
    }
  });

  it('anything else is no answer, never "clean"', () => {
    for (const garbage of ['', 'Permission denied', 'kubelet.conf=maybe confs=0 manifests=0 etcd=no kubelet=inactive']) expect(parseResetHostState(garbage)).toBeUndefined();
  });

  it('the etcd member ids forget-node removed', () => {
    expect(parseRemovedMemberIds('member 8e9e05c52164694d removed\netcd members removed: 8e9e05c52164694d\n')).toEqual(['8e9e05c52164694d']);
    expect(parseRemovedMemberIds('etcd members removed: none\n')).toEqual([]);
    expect(parseRemovedMemberIds('node "cp2" deleted\n')).toEqual([]);
  });
});

describe('resetHostFacts', () => {
  it('reports a host already clean as clean', async () => {
    const ssh = new FakeSsh({ 'reset-host-state': () => ok(CLEAN) });
    await expect(activities(ssh).resetHostFacts({ cluster: CLUSTER, host: W1 })).resolves.toMatchObject({ clean: true });
  });

  it('an unreachable host is an error to retry, not clean', async () => {
    const ssh = new FakeSsh({ 'reset-host-state': () => new SshConnectError('connect ECONNREFUSED 10.0.0.21:22', { host: 'w1', op: 'connect' }) });
    const f = await failureOf(activities(ssh).resetHostFacts({ cluster: CLUSTER, host: W1 }));
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toContain('ECONNREFUSED');
  });

  it('an answer it cannot read is HostStateUnclear, retried', async () => {
    const ssh = new FakeSsh({ 'reset-host-state': () => ok('something else\n') });
    expect(await failureOf(activities(ssh).resetHostFacts({ cluster: CLUSTER, host: W1 }))).toMatchObject({ type: 'HostStateUnclear', nonRetryable: false });
  });
});

describe('resetNode', () => {
  it('a host with the cluster on it: kubeadm reset -f with the CRI socket, the cleanup, then checked clean', async () => {
    const ssh = new FakeSsh({ 'reset-host-state': states(ok(LEFT), ok(CLEAN)), 'kubeadm-reset-force': () => ok('[reset] Stopping the kubelet service\n'), 'reset-cleanup': () => ok() });
    await expect(activities(ssh).resetNode({ cluster: CLUSTER, host: CP2 })).resolves.toEqual({ kubeadmReset: true });
    expect(ssh.calls.map((c) => [c.host, c.name])).toEqual([
      ['cp2', 'reset-host-state'],
      ['cp2', 'kubeadm-reset-force'],
      ['cp2', 'reset-cleanup'],
      ['cp2', 'reset-host-state'],
    ]);
    expect(ssh.calls[1]?.text).toContain("kubeadm reset -f --cri-socket 'unix:///run/containerd/containerd.sock'");
  });

  it('a host already clean is only cleaned and reported so, not reset again', async () => {
    const ssh = new FakeSsh({ 'reset-host-state': () => ok(CLEAN), 'reset-cleanup': () => ok() });
    await expect(activities(ssh).resetNode({ cluster: CLUSTER, host: W1 })).resolves.toEqual({ kubeadmReset: false });
    expect(ssh.calls.map((c) => c.name)).toEqual(['reset-host-state', 'reset-cleanup', 'reset-host-state']);
  });

  it('never resets on an answer it cannot read, nor on an unreachable host', async () => {
    for (const answer of [ok('garbage\n'), fail(255, 'ssh: connect to host')]) {
      const ssh = new FakeSsh({ 'reset-host-state': () => answer });
      await expect(activities(ssh).resetNode({ cluster: CLUSTER, host: W1 })).rejects.toBeDefined();
      expect(ssh.calls.map((c) => c.name)).toEqual(['reset-host-state']);
    }
  });

  it('a failed kubeadm reset is retried and nothing is cleaned after it', async () => {
    const ssh = new FakeSsh({ 'reset-host-state': () => ok(LEFT), 'kubeadm-reset-force': () => fail(1, 'error execution phase preflight'), 'reset-cleanup': () => ok() });
    const f = await failureOf(activities(ssh).resetNode({ cluster: CLUSTER, host: W1 }));
    expect(f).toMatchObject({ type: 'RemoteCommandFailed', nonRetryable: false });
    expect(f.message).toContain('w1: kubeadm reset -f failed (exit 1)');
    expect(ssh.calls.map((c) => c.name)).not.toContain('reset-cleanup');
  });

  it('still not clean afterwards: HostStateUnclear naming what is left, retried', async () => {
    const ssh = new FakeSsh({ 'reset-host-state': () => ok(LEFT), 'kubeadm-reset-force': () => ok(), 'reset-cleanup': () => ok() });
    const f = await failureOf(activities(ssh).resetNode({ cluster: CLUSTER, host: W1 }));
    expect(f).toMatchObject({ type: 'HostStateUnclear', nonRetryable: false });
    expect(f.message).toContain('w1: still not clean after kubeadm reset: kubelet.conf present');
  });
});

describe('forgetForReset', () => {
  it('a control plane of a stacked cluster: its etcd member (by name or peer URL) and its Node, through the first control plane', async () => {
    const ssh = new FakeSsh({ 'forget-node': () => ok('Member 8e9e05c52164694d removed from cluster\netcd members removed: 8e9e05c52164694d\nnode "cp2" deleted\n') });
    await expect(activities(ssh).forgetForReset({ cluster: CLUSTER, host: CP1, target: CP2, as: 'control-plane' })).resolves.toEqual({ removedMemberIds: ['8e9e05c52164694d'] });
    expect(ssh.calls.map((c) => c.host)).toEqual(['cp1']);
    expect(ssh.calls[0]?.text).toContain("-v n='cp2' -v p='https://10.0.0.12:2380'");
    expect(ssh.calls[0]?.text).toContain("delete node 'cp2' --ignore-not-found");
  });

  it('a worker: only its Node, no etcd', async () => {
    const ssh = new FakeSsh({ 'forget-node': () => ok('node "w1" deleted\n') });
    await expect(activities(ssh).forgetForReset({ cluster: CLUSTER, host: CP1, target: W1, as: 'worker' })).resolves.toEqual({ removedMemberIds: [] });
    expect(ssh.calls[0]?.text).not.toContain('etcdctl');
  });

  it('refuses to remove a node through itself, never retried', async () => {
    const ssh = new FakeSsh({});
    expect(await failureOf(activities(ssh).forgetForReset({ cluster: CLUSTER, host: CP1, target: CP1, as: 'control-plane' }))).toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
    expect(ssh.calls).toEqual([]);
  });
});

/** The scripts themselves, run by bash over a scratch directory standing in for a host's paths. */
describe('the reset scripts in a real shell', () => {
  let root: string;
  const p = (rel: string) => path.join(root, rel);
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kubeha-reset-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const bash = (text: string) => spawnSync('bash', ['-c', text], { encoding: 'utf8' });
  const paths = () => ({ kubernetesDir: p('etc/kubernetes'), kubeletConf: p('etc/kubernetes/kubelet.conf'), manifestsDir: p('etc/kubernetes/manifests'), etcdMemberDir: p('var/lib/etcd/member') });

  it('reset-host-state counts what is left, and reads a missing directory as nothing left', () => {
    expect(parseResetHostState(bash(resetHostState.render(paths()).text).stdout)).toMatchObject({ kubeletConf: false, confs: 0, manifests: 0, etcdData: false });
    for (const f of ['etc/kubernetes/manifests/etcd.yaml', 'etc/kubernetes/manifests/kube-apiserver.yaml', 'etc/kubernetes/admin.conf', 'etc/kubernetes/kubelet.conf', 'var/lib/etcd/member/snap/db']) {
      mkdirSync(path.dirname(p(f)), { recursive: true });
      writeFileSync(p(f), 'x');
    }
    const r = bash(resetHostState.render(paths()).text);
    expect(r.status).toBe(0);
    expect(parseResetHostState(r.stdout)).toMatchObject({ clean: false, kubeletConf: true, confs: 2, manifests: 2, etcdData: true });
  });

  it("reset-cleanup empties the CNI configuration, kubeha's configs and state, removes held-back manifests and root's kubeconfig, stops a run still going; twice is fine", async () => {
    const dirs = { cniDir: p('etc/cni/net.d'), kubeconfig: p('root/.kube/config'), kubehaDir: p('etc/kubeha'), stateDir: p('var/lib/kubeha'), runsDir: p('var/lib/kubeha/runs'), heldManifestsDir: p('etc/kubernetes/kubeha-restart-manifests') };
    const files = ['etc/cni/net.d/10-calico.conflist', 'root/.kube/config', 'etc/kubeha/kubeadm-join.yaml', 'var/lib/kubeha/runs/kubeadm-join/exit', 'var/lib/kubeha/runs/kubeadm-init/log', 'var/lib/kubeha/drill-stopped/kube-apiserver.yaml', 'etc/kubernetes/kubeha-restart-manifests/kube-apiserver.yaml', 'etc/kubernetes/manifests/kube-apiserver.yaml'];
    for (const f of files) {
      mkdirSync(path.dirname(p(f)), { recursive: true });
      writeFileSync(p(f), '0');
    }
    const running = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    const exited = new Promise((r) => running.once('exit', r));
    writeFileSync(p('var/lib/kubeha/runs/kubeadm-init/pid'), String(running.pid));
    for (let i = 0; i < 2; i++) expect(bash(cleanAfterReset.render(dirs).text).status).toBe(0);
    await exited;
    expect(running.signalCode).toBe('SIGKILL');
    expect([readdirSync(dirs.cniDir), readdirSync(dirs.kubehaDir), readdirSync(dirs.stateDir), existsSync(dirs.heldManifestsDir), existsSync(dirs.kubeconfig)]).toEqual([[], [], [], false, false]);
    // What kubeadm reset owns is not this script's to touch.
    expect(existsSync(p('etc/kubernetes/manifests/kube-apiserver.yaml'))).toBe(true);
  });
});
